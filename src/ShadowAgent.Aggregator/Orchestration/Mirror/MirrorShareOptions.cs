namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>
/// How the orchestrator moves a target's mirrored share (<c>Targets:{name}:MirrorShare</c>): up while the shadow's
/// comparison is informative, down while the shadow costs too much, within [MinShare, MaxShare], at most once per
/// Cooldown. Only used when the target names a <see cref="TargetOptions.ShadowStream"/>.
/// </summary>
public sealed class MirrorShareOptions
{
    /// <summary>Off: the shadow rule still scales production, but the share is left as the agent configured it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The share the agent starts with (its Tap:Mirror:Rate), until a MirrorShareResult reports the share in force.</summary>
    public double InitialShare { get; set; } = 0.1;

    public double MinShare { get; set; } = 0.01;

    public double MaxShare { get; set; } = 0.5;

    /// <summary>A useful shadow's share is multiplied by this (at least MinShare).</summary>
    public double RaiseFactor { get; set; } = 2;

    /// <summary>A costly shadow's share is multiplied by this.</summary>
    public double LowerFactor { get; set; } = 0.5;

    /// <summary>Least time between two changes.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a sign of usefulness (shadow degradation or anomaly) keeps the shadow useful.</summary>
    public TimeSpan UsefulFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Useful when the production forecast peak reaches capacity × this (scaling decisions are near).</summary>
    public double ForecastCapacityShare { get; set; } = 0.6;

    /// <summary>Costly when the shadow fails (5xx, timeouts, no answer) at least this share of copies: it is broken, not informative.</summary>
    public double CostErrorRate { get; set; } = 0.5;

    /// <summary>Costly when the mirror stream's dropped share (full copy queue) reaches this; 0 turns this cost off.</summary>
    public double CostDropShare { get; set; } = 0.01;

    /// <summary>Costly when the host's cpu.util (the target's probe stream) reaches this.</summary>
    public double CostCpuUtilization { get; set; } = 0.9;
}
