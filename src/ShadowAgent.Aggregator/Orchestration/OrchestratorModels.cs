namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>GET /api/v1/decisions.</summary>
internal sealed record DecisionList(List<DecisionInfo> Decisions);

/// <summary>One decision with the inputs and rules that caused it, its command and result, and its measured outcome.</summary>
internal sealed record DecisionInfo(
    long Id,
    string Target,
    string Host,
    long WindowEndMs,
    long DecidedMs,
    string Action,
    double FromCpuCores,
    double ToCpuCores,
    long FromMemoryBytes,
    long ToMemoryBytes,
    string Forecaster,
    double? ForecastPeakRate,
    List<Trigger> Triggers,
    string? Blocked,
    bool DryRun,
    PolicyInputs Inputs,
    double LatencyMs,
    CommandInfo? Command,
    OutcomeInfo? Outcome);

/// <summary>A ResizeCommand as sent and the agent's CommandResult (status null until it arrives).</summary>
internal sealed record CommandInfo(
    string Id,
    double? CpuCores,
    long? MemoryBytes,
    bool DryRun,
    bool Sent,
    long IssuedMs,
    string? Status,
    string? Message,
    Dictionary<string, string>? Before,
    Dictionary<string, string>? After,
    long? ResultMs);

/// <summary>What followed a decision (null until the settle time has passed) and what was learned from it.</summary>
internal sealed record OutcomeInfo(
    long MeasuredMs,
    int Windows,
    double? Utilization,
    double? ThrottledRatio,
    double? Pressure,
    int SloBreaches,
    bool Undone,
    string? Learned);

/// <summary>GET /api/v1/targets.</summary>
internal sealed record TargetList(bool Enabled, List<TargetInfo> Targets);

/// <summary>One target's configuration, current state and learned parameters.</summary>
internal sealed record TargetInfo(
    string Name,
    string Host,
    string Target,
    string ResourceStream,
    List<string> WorkloadStreams,
    string SloStream,
    string Criticality,
    bool DryRun,
    bool Connected,
    double CpuCores,
    long MemoryBytes,
    double MinCpuCores,
    double MaxCpuCores,
    double? CpuUtilization,
    double? ThrottledRatio,
    double? CpuPressure,
    double? WorkloadRate,
    double? ForecastPeakRate,
    string? Forecaster,
    double? SloP99,
    long? LastUpMs,
    long? LastDownMs,
    int ActionsLastHour,
    int LowWindows,
    LearnedInfo Learned);

internal sealed record LearnedInfo(
    double HighFactor,
    double Headroom,
    double UtilizationHigh,
    double UtilizationLow,
    double RecordsPerCoreSecond,
    int Adaptations,
    Dictionary<string, ForecasterErrorInfo> ForecasterErrors);

internal sealed record ForecasterErrorInfo(double Error, long Samples);
