using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>
/// The newest window of a target's mirror stream, reduced to what the shadow rule and the share controller use:
/// p99 of shadow against primary latency, the shadow's error share, the stream's dropped share and anomaly score.
/// Stale once a newer window of the target's other streams is more than one mirror window past it.
/// </summary>
internal sealed class ShadowComparison
{
    public long WindowEndMs { get; private set; } = long.MinValue;

    public long WindowMs { get; private set; }

    public double? PrimaryP99 { get; private set; }

    public double? ShadowP99 { get; private set; }

    /// <summary>p99(shadow_latency_ms) / p99(primary_latency_ms); null when either side had no records.</summary>
    public double? LatencyRatio { get; private set; }

    /// <summary>mean(shadow_error) over the window's shadow copies.</summary>
    public double? ErrorRate { get; private set; }

    public double DropShare { get; private set; }

    public double AnomalyScore { get; private set; }

    public void Observe(ShadowProfile profile)
    {
        PrimaryP99 = ShadowP99 = ErrorRate = null;
        foreach (var n in profile.Numeric)
        {
            if (n.Count == 0)
            {
                continue;
            }

            switch (n.Field)
            {
                case "primary_latency_ms": PrimaryP99 = n.P99; break;
                case "shadow_latency_ms": ShadowP99 = n.P99; break;
                case "shadow_error": ErrorRate = n.Mean; break;
            }
        }

        LatencyRatio = PrimaryP99 is > 0 && ShadowP99 is { } s ? s / PrimaryP99.Value : null;
        var volume = profile.Volume;
        DropShare = volume is { Records: > 0 } ? (double)volume.DroppedRecords / volume.Records : 0;
        AnomalyScore = profile.Anomaly?.Score ?? 0;
        WindowEndMs = profile.WindowEndUnixMs;
        WindowMs = Math.Max(0, profile.WindowEndUnixMs - profile.WindowStartUnixMs);
    }

    public bool IsFresh(long nowMs) => WindowEndMs != long.MinValue && nowMs - WindowEndMs <= Math.Max(WindowMs, 1000);
}
