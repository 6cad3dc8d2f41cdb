using ShadowAgent.Detection.Offline;
using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Forecasting.Offline;

/// <summary>
/// The offline path: a whole NAB-format series read with the detect command's <see cref="NabCsvReader"/>, fed
/// to a <see cref="StreamingForecaster"/> that keeps all of it, one model chosen and fitted on every row, and
/// the next steps forecast with their timestamps continuing at the series' step.
/// </summary>
public static class CsvForecast
{
    /// <summary>Reads <paramref name="input"/> and forecasts <paramref name="horizon"/> steps at <paramref name="level"/>.</summary>
    /// <exception cref="NabCsvException">A line cannot be read, or the rows do not define a step.</exception>
    public static CsvForecastResult Run(TextReader input, string source, int horizon, double level)
    {
        var reader = new NabCsvReader(input, source);
        var values = new List<double>();
        var timestamps = new List<DateTime>();
        long lastLine = 1;
        while (reader.TryRead(out var row))
        {
            values.Add(row.Value);
            timestamps.Add(row.Timestamp);
            lastLine = row.Line;
        }

        if (values.Count < 2)
        {
            throw new NabCsvException(source, lastLine + 1, $"{values.Count} row(s): a forecast needs at least 2 rows to know the step");
        }

        var step = MedianStep(timestamps);
        if (step <= TimeSpan.Zero)
        {
            throw new NabCsvException(source, lastLine, "the timestamps do not advance: no step to continue the series at");
        }

        var options = new ForecastOptions
        {
            HistoryCapacity = Math.Max(16, values.Count),
            MinHistory = Math.Clamp(values.Count, 8, 48),
            RefitEvery = int.MaxValue,
        };
        var forecaster = new StreamingForecaster(options);
        foreach (var v in values)
        {
            forecaster.Observe(v);
        }

        forecaster.Refit();
        var points = forecaster.Forecast(horizon, level);
        var last = timestamps[^1];
        var stamps = new DateTime[horizon];
        for (var i = 0; i < horizon; i++)
        {
            stamps[i] = last + (step * (i + 1));
        }

        return new CsvForecastResult(values.Count, step, forecaster.ModelName, forecaster.Period, stamps, points);
    }

    /// <summary>The median gap between consecutive rows: robust to a few missing or doubled rows.</summary>
    private static TimeSpan MedianStep(List<DateTime> timestamps)
    {
        var gaps = new long[timestamps.Count - 1];
        for (var i = 1; i < timestamps.Count; i++)
        {
            gaps[i - 1] = (timestamps[i] - timestamps[i - 1]).Ticks;
        }

        Array.Sort(gaps);
        return TimeSpan.FromTicks(gaps[gaps.Length / 2]);
    }
}
