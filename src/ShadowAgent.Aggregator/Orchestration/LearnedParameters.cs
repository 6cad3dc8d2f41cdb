namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// What the orchestrator has learned about one target, persisted so a restart keeps it: the adapted factors and
/// thresholds, the capacity model, and each forecaster's realized error.
/// </summary>
internal sealed record LearnedParameters(
    double HighFactor,
    double Headroom,
    double UtilizationHigh,
    double UtilizationLow,
    double RecordsPerCoreSecond,
    int Adaptations)
{
    public static LearnedParameters From(TargetOptions target) =>
        new(target.HighFactor, target.Headroom, target.UtilizationHigh, target.UtilizationLow, target.RecordsPerCoreSecond, 0);

    public PolicyParameters ToPolicy(TargetOptions target) => new()
    {
        Target = target,
        HighFactor = HighFactor,
        Headroom = Headroom,
        UtilizationHigh = UtilizationHigh,
        UtilizationLow = UtilizationLow,
        RecordsPerCoreSecond = RecordsPerCoreSecond,
    };
}
