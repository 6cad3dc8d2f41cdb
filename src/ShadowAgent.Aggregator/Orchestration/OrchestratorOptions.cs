namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// The orchestrator, bound from <c>Aggregator:Orchestrator</c>: its targets and the bounds learning keeps every
/// adapted parameter within.
/// </summary>
public sealed class OrchestratorOptions
{
    public const string Section = "Aggregator:Orchestrator";

    /// <summary>Off by default: nothing is decided or sent; command results are still recorded.</summary>
    public bool Enabled { get; set; }

    public Dictionary<string, TargetOptions> Targets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Time after a decision over which its outcome is measured before it is judged and learned from.</summary>
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Forecast steps (windows) whose peak the policy sizes for; at most the forecast's own horizon.</summary>
    public int Horizon { get; set; } = 6;

    /// <summary>How far one outcome moves a learned parameter (a share of its bound range).</summary>
    public double LearningRate { get; set; } = 0.1;

    public double MinHeadroom { get; set; } = 0.05;

    public double MaxHeadroom { get; set; } = 1.0;

    public double MinHighFactor { get; set; } = 1.1;

    public double MaxHighFactor { get; set; } = 3.0;

    public double MinUtilizationHigh { get; set; } = 0.5;

    public double MaxUtilizationHigh { get; set; } = 0.95;

    public double MinUtilizationLow { get; set; } = 0.05;

    public double MaxUtilizationLow { get; set; } = 0.45;
}
