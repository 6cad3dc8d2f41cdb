namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// Which families of scale-up rules a target uses, bound from <c>Aggregator:Orchestrator:Targets:{name}:Triggers</c>.
/// A reactive target (like HPA/VPA) turns off the three that look ahead and sizes down from measured use only; a
/// predictive one uses everything ShadowAgent sees. Switching a family off here replaces out-of-reach thresholds.
/// </summary>
public sealed class TriggerOptions
{
    /// <summary>Measured pressure on the target: cpu.util, throttling, CPU and memory pressure, the shadow dropping records.</summary>
    public bool Reactive { get; set; } = true;

    /// <summary>The workload streams' anomaly score (<see cref="TargetOptions.AnomalyThreshold"/>, and <see cref="TargetOptions.VolumeAnomalyThreshold"/> for a volume spike).</summary>
    public bool Anomaly { get; set; } = true;

    /// <summary>The forecast peak against capacity and the volume thresholds, up and down.</summary>
    public bool Forecast { get; set; } = true;

    /// <summary>
    /// The nowcast: the workload's records per second in the newest window against capacity, seen in the agent's shadow
    /// before the target's CPU saturates; sized to the forecast's upper interval.
    /// </summary>
    public bool Workload { get; set; } = true;

    /// <summary>Any of the look-ahead families is on.</summary>
    public bool Predictive => Anomaly || Forecast || Workload;
}
