namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// What the policy decided for one target at one window, and why.
/// </summary>
/// <param name="Action">Up, down or hold (hold also when a rule fired but a cooldown, bound or limit held it back).</param>
/// <param name="FromCpuCores">Cores before.</param>
/// <param name="ToCpuCores">Cores after (equal to before for a hold).</param>
/// <param name="FromMemoryBytes">Memory limit before; 0 when memory is not managed or unknown.</param>
/// <param name="ToMemoryBytes">Memory limit after.</param>
/// <param name="Triggers">The rules that fired with their inputs and thresholds; for a hold that was held back, the rule that blocked it comes last.</param>
/// <param name="Forecaster">The forecaster whose peak was used ("agent", "aggregator", "seasonal_naive"), or "" when none was available.</param>
/// <param name="ForecastPeakRate">The forecast peak records per second over the horizon, or null.</param>
/// <param name="Blocked">Why a decision that wanted to change held instead (cooldown_up, cooldown_down, max_actions_per_hour, hysteresis, bound), or null.</param>
/// <param name="LowWindows">Consecutive windows that called for a scale-down, including this one (the hysteresis count to carry forward).</param>
internal sealed record Decision(
    ScaleAction Action,
    double FromCpuCores,
    double ToCpuCores,
    long FromMemoryBytes,
    long ToMemoryBytes,
    IReadOnlyList<Trigger> Triggers,
    string Forecaster,
    double? ForecastPeakRate,
    string? Blocked,
    int LowWindows)
{
    /// <summary>
    /// The size this window's demand calls for (measured use at the target utilization, the forecast or the nowcast with
    /// headroom, whatever fired), kept for the scale-down stabilization; null when nothing was known.
    /// </summary>
    public double? NeededCpuCores { get; init; }

    /// <summary>One line for ResizeCommand.reason and logs: the action and every trigger.</summary>
    public string Reason() => string.Join("; ", Triggers.Select(t => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{t.Rule}: {t.Input} {t.Value:G4} vs {t.Threshold} {t.Limit:G4}")));
}
