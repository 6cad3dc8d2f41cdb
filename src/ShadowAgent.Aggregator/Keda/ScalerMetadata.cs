using System.Globalization;
using Grpc.Core;
using ShadowAgent.Protocol.Keda;

namespace ShadowAgent.Aggregator.Keda;

/// <summary>
/// A ScaledObject trigger's metadata as the scaler reads it:
/// <c>stream</c> (required) — the stream whose predicted volume drives the Deployment;
/// <c>capacityPerReplica</c> (required) — records per second one replica serves (the HPA's target per replica);
/// <c>hosts</c> — comma-separated host ids (default: every host with the stream);
/// <c>horizon</c> — forecast windows to take the peak over (default 6);
/// <c>bound</c> — <c>point</c> (default) or <c>upper</c> (the prediction interval's upper bound);
/// <c>activationRate</c> — predicted records per second above which the scaler is active (default 0).
/// A bad value fails the call with InvalidArgument naming the key.
/// </summary>
internal sealed record ScalerMetadata(string Stream, double CapacityPerReplica, string[]? Hosts, int Horizon, bool Upper, double ActivationRate)
{
    public string MetricName => "shadow-predicted-rate-" + new string(Stream.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());

    public static ScalerMetadata Parse(ScaledObjectRef? reference)
    {
        var m = reference?.ScalerMetadata ?? new Google.Protobuf.Collections.MapField<string, string>();
        if (!m.TryGetValue("stream", out var stream) || string.IsNullOrWhiteSpace(stream))
        {
            throw Invalid("scalerMetadata.stream is required (the stream whose predicted volume scales the target)");
        }

        if (!m.TryGetValue("capacityPerReplica", out var capacityText)
            || !double.TryParse(capacityText, NumberStyles.Float, CultureInfo.InvariantCulture, out var capacity)
            || !(capacity > 0) || !double.IsFinite(capacity))
        {
            throw Invalid($"scalerMetadata.capacityPerReplica '{capacityText}' must be a positive number (records per second one replica serves)");
        }

        string[]? hosts = null;
        if (m.TryGetValue("hosts", out var hostText) && !string.IsNullOrWhiteSpace(hostText))
        {
            hosts = hostText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        var horizon = 6;
        if (m.TryGetValue("horizon", out var horizonText)
            && (!int.TryParse(horizonText, NumberStyles.None, CultureInfo.InvariantCulture, out horizon) || horizon is < 1 or > 1000))
        {
            throw Invalid($"scalerMetadata.horizon '{horizonText}' must be an integer from 1 to 1000");
        }

        var upper = false;
        if (m.TryGetValue("bound", out var bound))
        {
            upper = bound switch
            {
                "point" => false,
                "upper" => true,
                _ => throw Invalid($"scalerMetadata.bound '{bound}' must be point or upper"),
            };
        }

        double activation = 0;
        if (m.TryGetValue("activationRate", out var activationText)
            && (!double.TryParse(activationText, NumberStyles.Float, CultureInfo.InvariantCulture, out activation) || !(activation >= 0)))
        {
            throw Invalid($"scalerMetadata.activationRate '{activationText}' must be a number at least 0");
        }

        return new ScalerMetadata(stream, capacity, hosts, horizon, upper, activation);
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
