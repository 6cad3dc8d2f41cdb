namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// One resource the orchestrator sizes: a cgroup or VM on one agent's host, the probe stream that measures it and
/// the workload streams whose volume, anomalies and forecasts drive it. Bound from
/// <c>Aggregator:Orchestrator:Targets:{name}</c>; every threshold here is the starting point that learning adapts
/// within <see cref="OrchestratorOptions"/>' bounds.
/// </summary>
public sealed class TargetOptions
{
    /// <summary>The agent's host_id (Hello.host_id) that owns the target.</summary>
    public string Host { get; set; } = "";

    /// <summary>What ResizeCommand.target names: <c>cgroup:&lt;relative path&gt;</c> or <c>vm:&lt;libvirt domain&gt;</c>.</summary>
    public string Target { get; set; } = "";

    /// <summary>The agent's probe stream for the target (cpu.util, cpu.throttled_ratio, psi.*, mem.*).</summary>
    public string ResourceStream { get; set; } = "";

    /// <summary>Streams on the same host whose records per second, anomaly scores and forecasts drive the target.</summary>
    public List<string> WorkloadStreams { get; set; } = [];

    /// <summary><c>critical</c> (more headroom, slower to scale down), <c>normal</c>, <c>low</c> (less headroom, quicker down).</summary>
    public string Criticality { get; set; } = "normal";

    public double MinCpuCores { get; set; } = 0.25;

    public double MaxCpuCores { get; set; } = 8;

    /// <summary>Cores assumed before the probe reports a limit or a command has been applied.</summary>
    public double InitialCpuCores { get; set; } = 1;

    /// <summary>0 = memory is not managed.</summary>
    public long MinMemoryBytes { get; set; }

    /// <summary>0 = memory is not managed.</summary>
    public long MaxMemoryBytes { get; set; }

    /// <summary>
    /// Records per second one core serves: the initial capacity model. Learned from the probe's cpu.cores_used
    /// against the workload's records per second as data arrives.
    /// </summary>
    public double RecordsPerCoreSecond { get; set; } = 1000;

    /// <summary>cpu.util (used / limit) at or above which the target scales up (reactive).</summary>
    public double UtilizationHigh { get; set; } = 0.8;

    /// <summary>cpu.util below which a scale-down is allowed.</summary>
    public double UtilizationLow { get; set; } = 0.3;

    /// <summary>cpu.throttled_ratio at or above which the target scales up (reactive).</summary>
    public double ThrottlingThreshold { get; set; } = 0.1;

    /// <summary>psi.cpu.some_avg10 (percent) at or above which the target scales up (reactive).</summary>
    public double PressureThreshold { get; set; } = 20;

    /// <summary>mem.util at or above which memory scales up by <see cref="HighFactor"/> (when memory is managed).</summary>
    public double MemoryHigh { get; set; } = 0.9;

    /// <summary>The forecast peak over capacity × this scales up to the forecast with headroom.</summary>
    public double CapacityThreshold { get; set; } = 0.8;

    /// <summary>The forecast peak under capacity × this (with low utilization) scales down.</summary>
    public double DownscaleThreshold { get; set; } = 0.4;

    /// <summary>Forecast peak records per second over which the target scales up whatever the capacity; 0 = off.</summary>
    public double HighVolumeThreshold { get; set; }

    /// <summary>Forecast peak records per second under which the target scales down; 0 = off.</summary>
    public double LowVolumeThreshold { get; set; }

    /// <summary>Anomaly score (0–1) of a workload window at or above which the target scales up by <see cref="HighFactor"/>.</summary>
    public double AnomalyThreshold { get; set; } = 0.99;

    /// <summary>
    /// Lower anomaly score (0–1) that is enough when the anomaly is a volume spike (the workload's records among the
    /// window's unusual features and its rate rising): the load itself is changing, so the target is sized to the rate
    /// grown by <see cref="HighFactor"/>, with headroom. 0 = off.
    /// </summary>
    public double VolumeAnomalyThreshold { get; set; } = 0.9;

    /// <summary>Which rule families may scale the target (reactive, anomaly, forecast, workload nowcast).</summary>
    public TriggerOptions Triggers { get; set; } = new();

    /// <summary>
    /// HPA's scale-down stabilization: a scale-down goes no lower than the largest size any window in this span called
    /// for, so one quiet window after a burst does not undo the burst's scale-up. Zero = off.
    /// </summary>
    public TimeSpan DownscaleStabilization { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Share of a workload stream's records the agent dropped (it fell behind) counted as degradation; 0 = off.</summary>
    public double ShadowDropThreshold { get; set; } = 0.01;

    /// <summary>Multiplier of an anomaly or reactive scale-up.</summary>
    public double HighFactor { get; set; } = 1.5;

    /// <summary>Capacity kept above the forecast: 0.2 sizes for 120% of the forecast peak.</summary>
    public double Headroom { get; set; } = 0.2;

    /// <summary>Largest share of the current size one scale-down removes.</summary>
    public double DownscaleStep { get; set; } = 0.25;

    public TimeSpan CooldownUp { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan CooldownDown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Consecutive windows that must all call for a scale-down before one is made.</summary>
    public int Hysteresis { get; set; } = 3;

    public int MaxActionsPerHour { get; set; } = 6;

    /// <summary>Decide and record, send commands marked dry_run (the agent validates and reports without changing).</summary>
    public bool DryRun { get; set; }

    /// <summary>Numeric field whose p99 is held to <see cref="SloThreshold"/> (read from <see cref="SloStream"/>); empty = no SLO.</summary>
    public string SloField { get; set; } = "";

    /// <summary>
    /// The stream that carries <see cref="SloField"/>, when it is not a workload stream: a service's access log (one
    /// record per answer, with its latency) beside an ingress copy of its requests (one record per arrival, the demand)
    /// as the workload stream. Its records are not counted as demand. Empty = the workload streams carry the field.
    /// </summary>
    public string SloStream { get; set; } = "";

    /// <summary>A window whose <see cref="SloField"/> p99 exceeds this is an SLO breach.</summary>
    public double SloThreshold { get; set; }

    // Shadow comparison (http-mirror stream of production's traffic): see Orchestration/Mirror.

    /// <summary>The agent's http-mirror stream in front of the target's service; empty = no shadow rule, no share control.</summary>
    public string ShadowStream { get; set; } = "";

    /// <summary>p99(shadow_latency_ms) / p99(primary_latency_ms) at or above which production scales up pre-emptively; 0 = off.</summary>
    public double ShadowLatencyRatio { get; set; } = 1.5;

    /// <summary>mean(shadow_error) at or above which production scales up pre-emptively; 0 = off.</summary>
    public double ShadowErrorRate { get; set; } = 0.05;

    /// <summary>How the mirrored share follows the shadow's usefulness and cost.</summary>
    public Mirror.MirrorShareOptions MirrorShare { get; set; } = new();
}
