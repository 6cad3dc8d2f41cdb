namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// One rule that fired (or held a decision back), with the input value and the threshold it was compared with, so a
/// decision explains itself: "forecast_over_capacity: forecast.peak_rate 1840 &gt; capacity × CapacityThreshold 1600".
/// </summary>
/// <param name="Rule">The rule, e.g. anomaly, utilization_high, forecast_over_capacity, cooldown_up.</param>
/// <param name="Input">The input's name, e.g. cpu.util, forecast.peak_rate, anomaly.score.</param>
/// <param name="Value">The input's value.</param>
/// <param name="Threshold">The threshold's name, e.g. UtilizationHigh or capacity×CapacityThreshold.</param>
/// <param name="Limit">The threshold's value the input was compared with.</param>
internal sealed record Trigger(string Rule, string Input, double Value, string Threshold, double Limit);
