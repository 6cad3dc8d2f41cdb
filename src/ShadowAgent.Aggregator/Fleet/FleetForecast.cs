using ShadowAgent.Aggregator.Store;
using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Aggregator.Fleet;

/// <summary>
/// The fleet's records per window for one stream name, forecast on demand: the per-window totals over every
/// host (whole windows only; a window no host reported counts as zero) fitted by the same backtest-chosen
/// forecaster the agents run.
/// </summary>
internal static class FleetForecast
{
    /// <summary>Windows of history a forecast needs at least.</summary>
    public const int MinHistory = 8;

    public static FleetForecastResult? Compute(IReadOnlyList<(long WindowEndMs, long Records)> totals, int horizon, double level)
    {
        if (totals.Count < 2)
        {
            return null;
        }

        // The step is the smallest gap between reported windows (the hop); missing windows in between are zero.
        var step = long.MaxValue;
        for (var i = 1; i < totals.Count; i++)
        {
            step = Math.Min(step, totals[i].WindowEndMs - totals[i - 1].WindowEndMs);
        }

        if (step <= 0)
        {
            return null;
        }

        var first = totals[0].WindowEndMs;
        var last = totals[^1].WindowEndMs;
        var length = (int)Math.Min(((last - first) / step) + 1, 4096);
        if (length < MinHistory)
        {
            return null;
        }

        var series = new double[length];
        var start = last - ((length - 1) * step);
        foreach (var (end, records) in totals)
        {
            var index = (end - start) / step;
            if (end >= start && index < length && (end - start) % step == 0)
            {
                series[index] += records;
            }
        }

        var forecaster = new StreamingForecaster(new ForecastOptions { HistoryCapacity = Math.Max(length, 64) });
        foreach (var value in series)
        {
            forecaster.Observe(value);
        }

        forecaster.Refit();
        var points = forecaster.Forecast(horizon, level);
        return new FleetForecastResult(forecaster.ModelName, forecaster.Period, step, last, length, points);
    }
}

internal sealed record FleetForecastResult(string Model, int Period, long StepMs, long LastWindowEndMs, int HistoryWindows, ForecastPoint[] Points);
