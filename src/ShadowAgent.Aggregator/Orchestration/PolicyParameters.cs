namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// The thresholds and factors a target is decided with: its configuration with the learned values in place of the
/// configured starting points (high factor, headroom, utilization thresholds, records per core).
/// </summary>
internal sealed record PolicyParameters
{
    public required TargetOptions Target { get; init; }

    public required double HighFactor { get; init; }

    public required double Headroom { get; init; }

    public required double UtilizationHigh { get; init; }

    public required double UtilizationLow { get; init; }

    public required double RecordsPerCoreSecond { get; init; }

    /// <summary>The configured values, before anything was learned.</summary>
    public static PolicyParameters From(TargetOptions target) => new()
    {
        Target = target,
        HighFactor = target.HighFactor,
        Headroom = target.Headroom,
        UtilizationHigh = target.UtilizationHigh,
        UtilizationLow = target.UtilizationLow,
        RecordsPerCoreSecond = target.RecordsPerCoreSecond,
    };
}
