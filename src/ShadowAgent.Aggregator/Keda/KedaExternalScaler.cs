using Grpc.Core;
using ShadowAgent.Protocol.Keda;

namespace ShadowAgent.Aggregator.Keda;

/// <summary>
/// KEDA's external scaler on the aggregator's gRPC endpoint: Kubernetes scales a Deployment from the predicted peak
/// volume of a stream, so replicas (ceil(metric / capacityPerReplica)) are there before the load arrives.
/// </summary>
internal sealed class KedaExternalScaler(PredictedVolume predicted, TimeProvider time) : ExternalScaler.ExternalScalerBase
{
    /// <summary>How often StreamIsActive re-checks the prediction.</summary>
    public static readonly TimeSpan StreamInterval = TimeSpan.FromSeconds(5);

    public override Task<IsActiveResponse> IsActive(ScaledObjectRef request, ServerCallContext context)
    {
        var metadata = ScalerMetadata.Parse(request);
        return Task.FromResult(new IsActiveResponse { Result = Rate(metadata) > metadata.ActivationRate });
    }

    public override async Task StreamIsActive(ScaledObjectRef request, IServerStreamWriter<IsActiveResponse> responseStream, ServerCallContext context)
    {
        var metadata = ScalerMetadata.Parse(request);
        bool? last = null;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var active = Rate(metadata) > metadata.ActivationRate;
            if (active != last)
            {
                await responseStream.WriteAsync(new IsActiveResponse { Result = active }, context.CancellationToken);
                last = active;
            }

            try
            {
                await Task.Delay(StreamInterval, time, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override Task<GetMetricSpecResponse> GetMetricSpec(ScaledObjectRef request, ServerCallContext context)
    {
        var metadata = ScalerMetadata.Parse(request);
        return Task.FromResult(new GetMetricSpecResponse
        {
            MetricSpecs =
            {
                new MetricSpec
                {
                    MetricName = metadata.MetricName,
                    TargetSize = (long)Math.Ceiling(metadata.CapacityPerReplica),
                    TargetSizeFloat = metadata.CapacityPerReplica,
                },
            },
        });
    }

    public override Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context)
    {
        var metadata = ScalerMetadata.Parse(request.ScaledObjectRef);
        var rate = Rate(metadata);
        return Task.FromResult(new GetMetricsResponse
        {
            MetricValues =
            {
                new MetricValue
                {
                    MetricName = request.MetricName.Length > 0 ? request.MetricName : metadata.MetricName,
                    MetricValue_ = (long)Math.Ceiling(rate),
                    MetricValueFloat = rate,
                },
            },
        });
    }

    private double Rate(ScalerMetadata metadata) =>
        predicted.Compute(metadata.Stream, metadata.Hosts, metadata.Horizon, metadata.Upper)?.RecordsPerSecond
        ?? throw new RpcException(new Status(StatusCode.NotFound, $"no host has stream '{metadata.Stream}'"));
}
