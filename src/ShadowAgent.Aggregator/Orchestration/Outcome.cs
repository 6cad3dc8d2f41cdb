namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// What followed a decision during the settle time: the target's measurements, the workload's SLO breaches and
/// whether the change had to be undone (rolled back by the agent, or reversed by a later decision within the
/// settle time).
/// </summary>
/// <param name="Windows">Resource-stream windows measured.</param>
/// <param name="MeanUtilization">Mean cpu.util over them, or null when the probe reported none.</param>
/// <param name="MaxThrottledRatio">Highest cpu.throttled_ratio, or null.</param>
/// <param name="MaxPressure">Highest psi.cpu.some_avg10, or null.</param>
/// <param name="SloBreaches">Workload windows whose SLO field p99 exceeded the SLO.</param>
/// <param name="Undone">The change was rolled back or reversed.</param>
internal sealed record Outcome(int Windows, double? MeanUtilization, double? MaxThrottledRatio, double? MaxPressure, int SloBreaches, bool Undone);
