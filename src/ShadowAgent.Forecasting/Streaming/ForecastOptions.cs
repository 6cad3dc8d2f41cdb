namespace ShadowAgent.Forecasting.Streaming;

/// <summary>
/// Settings of a <see cref="StreamingForecaster"/>: how much history it keeps, how often it chooses and refits
/// its model, and how the backtest that chooses is run. The defaults are global (one set for every series);
/// they were set on the shape of 5-minute operational series and never per series.
/// </summary>
public sealed class ForecastOptions
{
    /// <summary>Most recent values kept for refits (a bounded ring; older values are forgotten).</summary>
    public int HistoryCapacity { get; set; } = 4096;

    /// <summary>Values needed before the first model is chosen; before that the forecast is naive.</summary>
    public int MinHistory { get; set; } = 48;

    /// <summary>New values between two refits (period detection, backtest, fit of the winner).</summary>
    public int RefitEvery { get; set; } = 288;

    /// <summary>Steps ahead the backtest scores each candidate on.</summary>
    public int BacktestHorizon { get; set; } = 12;

    /// <summary>Forecast origins of the backtest, spread evenly over the most recent history.</summary>
    public int BacktestOrigins { get; set; } = 16;

    /// <summary>Shortest seasonal period looked for, in steps.</summary>
    public int MinPeriod { get; set; } = 4;

    /// <summary>Longest seasonal period looked for, in steps (also at most a third of the history).</summary>
    public int MaxPeriod { get; set; } = 1024;

    /// <summary>Autocorrelation a periodogram candidate needs at its period to count as a season.</summary>
    public double MinSeasonalAutocorrelation { get; set; } = 0.2;

    /// <summary>Longest series the seasonality detector analyses (a power of two; the most recent values).</summary>
    public int SeasonalityWindow { get; set; } = 4096;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Check(HistoryCapacity >= 16, nameof(HistoryCapacity), "must be at least 16");
        Check(MinHistory >= 8 && MinHistory <= HistoryCapacity, nameof(MinHistory), "must be between 8 and HistoryCapacity");
        Check(RefitEvery >= 1, nameof(RefitEvery), "must be at least 1");
        Check(BacktestHorizon >= 1, nameof(BacktestHorizon), "must be at least 1");
        Check(BacktestOrigins >= 1, nameof(BacktestOrigins), "must be at least 1");
        Check(MinPeriod >= 2, nameof(MinPeriod), "must be at least 2");
        Check(MaxPeriod >= MinPeriod, nameof(MaxPeriod), "must be at least MinPeriod");
        Check(MinSeasonalAutocorrelation is > 0 and < 1, nameof(MinSeasonalAutocorrelation), "must be in (0, 1)");
        Check(SeasonalityWindow >= 16 && int.IsPow2(SeasonalityWindow), nameof(SeasonalityWindow), "must be a power of two, at least 16");
    }

    /// <summary>A copy, to change settings without touching these.</summary>
    public ForecastOptions Clone() => (ForecastOptions)MemberwiseClone();

    private static void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException($"ForecastOptions.{name} {problem}.", name);
        }
    }
}
