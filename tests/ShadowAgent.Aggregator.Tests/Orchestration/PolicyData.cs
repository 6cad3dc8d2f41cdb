using ShadowAgent.Aggregator.Orchestration;

namespace ShadowAgent.Aggregator.Tests.Orchestration;

/// <summary>Targets and snapshots the policy tests start from: 2 cores, 1000 records/s per core, nothing firing.</summary>
internal static class PolicyData
{
    public static TargetOptions Target(Action<TargetOptions>? change = null)
    {
        var target = new TargetOptions
        {
            Host = "host-a",
            Target = "cgroup:shadow/web",
            ResourceStream = "web-probe",
            WorkloadStreams = ["orders"],
            MinCpuCores = 0.5,
            MaxCpuCores = 8,
            InitialCpuCores = 2,
            RecordsPerCoreSecond = 1000,
            CooldownUp = TimeSpan.FromMinutes(1),
            CooldownDown = TimeSpan.FromMinutes(5),
            Hysteresis = 3,
        };
        change?.Invoke(target);
        return target;
    }

    public static PolicyInputs Quiet(double cores = 2) => new()
    {
        NowMs = 10_000_000,
        CurrentCpuCores = cores,
        CpuUtilization = 0.5,
        CoresUsed = cores * 0.5,
        ThrottledRatio = 0,
        CpuPressure = 1,
        WorkloadRate = 1000,
        ForecastPeakRate = 1000,
        Forecaster = "agent",
    };

    public static Decision Decide(PolicyInputs inputs, TargetOptions? target = null) =>
        ScalingPolicy.Decide(inputs, PolicyParameters.From(target ?? Target()));
}
