namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// Everything the policy looks at for one target at one moment: the probe's measurements of the target, the workload
/// streams' volume, anomaly score and forecast, and the target's action history. A null measurement is unknown (the
/// probe did not report it), and rules on it do not fire.
/// </summary>
internal readonly record struct PolicyInputs
{
    /// <summary>The policy's clock: the end of the newest window, Unix ms.</summary>
    public long NowMs { get; init; }

    public double CurrentCpuCores { get; init; }

    /// <summary>0 when unknown or not managed.</summary>
    public long CurrentMemoryBytes { get; init; }

    /// <summary>cpu.util of the resource stream (used / limit).</summary>
    public double? CpuUtilization { get; init; }

    public double? CoresUsed { get; init; }

    public double? ThrottledRatio { get; init; }

    /// <summary>psi.cpu.some_avg10, percent.</summary>
    public double? CpuPressure { get; init; }

    public double? MemoryUtilization { get; init; }

    /// <summary>psi.memory.some_avg10, percent.</summary>
    public double? MemoryPressure { get; init; }

    /// <summary>Records per second of the workload streams in the newest window.</summary>
    public double? WorkloadRate { get; init; }

    /// <summary>
    /// Where a significant rise of the workload is heading (<see cref="WorkloadState.TrendProjection"/>, summed over the
    /// workload streams; a stream without a rise counts at its rate), or null when no stream is rising.
    /// </summary>
    public double? WorkloadTrendRate { get; init; }

    /// <summary>Forecast peak records per second of the workload over the horizon, from <see cref="Forecaster"/>.</summary>
    public double? ForecastPeakRate { get; init; }

    /// <summary>Peak of the forecast's upper interval over the horizon (same forecaster), or null when it has none.</summary>
    public double? ForecastUpperRate { get; init; }

    public string? Forecaster { get; init; }

    /// <summary>The anomaly is a volume spike: the workload's records are among its unusual features and the rate rose.</summary>
    public bool VolumeSpike { get; init; }

    /// <summary>Largest size any earlier window in the DownscaleStabilization span called for, or null (none, or off).</summary>
    public double? StabilizedCpuCores { get; init; }

    /// <summary>Highest anomaly score of the workload streams' newest windows (0 when none scored).</summary>
    public double AnomalyScore { get; init; }

    public string? AnomalyStream { get; init; }

    /// <summary>Share of workload records the agent dropped in the newest window (its shadow fell behind).</summary>
    public double ShadowDropShare { get; init; }

    /// <summary>Unix ms of the last scale-up, or null.</summary>
    public long? LastUpMs { get; init; }

    /// <summary>Unix ms of the last scale-down, or null.</summary>
    public long? LastDownMs { get; init; }

    /// <summary>Up and down actions in the hour before <see cref="NowMs"/>.</summary>
    public int ActionsLastHour { get; init; }

    /// <summary>Consecutive earlier windows that called for a scale-down.</summary>
    public int LowWindows { get; init; }

    /// <summary>Shadow against primary p99 latency of the target's fresh mirror window (null: no shadow stream or no data).</summary>
    public double? ShadowLatencyRatio { get; init; }

    /// <summary>The shadow's error share in the target's fresh mirror window.</summary>
    public double? ShadowErrorRate { get; init; }
}
