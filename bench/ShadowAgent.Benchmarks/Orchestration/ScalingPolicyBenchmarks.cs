using BenchmarkDotNet.Attributes;
using ShadowAgent.Aggregator.Orchestration;

namespace ShadowAgent.Benchmarks.Orchestration;

/// <summary>The policy alone: one decision from a snapshot (a scale-up on a forecast, and a quiet hold).</summary>
[MemoryDiagnoser]
public class ScalingPolicyBenchmarks
{
    private readonly PolicyParameters _parameters = PolicyParameters.From(new TargetOptions
    {
        Host = "h", Target = "cgroup:shadow/web", ResourceStream = "probe", WorkloadStreams = ["orders"], InitialCpuCores = 2,
    });

    private readonly PolicyInputs _up = new()
    {
        NowMs = 10_000_000, CurrentCpuCores = 2, CpuUtilization = 0.6, CoresUsed = 1.2, ThrottledRatio = 0, CpuPressure = 1,
        WorkloadRate = 1000, ForecastPeakRate = 2500, Forecaster = "agent",
    };

    private readonly PolicyInputs _hold = new()
    {
        NowMs = 10_000_000, CurrentCpuCores = 2, CpuUtilization = 0.5, CoresUsed = 1, ThrottledRatio = 0, CpuPressure = 1,
        WorkloadRate = 1000, ForecastPeakRate = 1000, Forecaster = "agent",
    };

    [Benchmark]
    public int ForecastScaleUp() => (int)ScalingPolicy.Decide(_up, _parameters).Action;

    [Benchmark]
    public int QuietHold() => (int)ScalingPolicy.Decide(_hold, _parameters).Action;
}
