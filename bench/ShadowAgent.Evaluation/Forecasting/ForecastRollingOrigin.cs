using ShadowAgent.Detection.Offline;
using ShadowAgent.Forecasting.Selection;
using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Evaluation.Forecasting;

/// <summary>
/// Rolling-origin evaluation of one series as the agent would forecast it live: a <see cref="StreamingForecaster"/>
/// with the default options observes the series value by value (refitting on its own schedule, never seeing a
/// value past the origin), and at each origin forecasts the next <c>horizon</c> values. The baselines at the same
/// origins: seasonal naive with a one-day season (the step's calendar day, independent of what the forecaster
/// detects) and naive. MASE scales each origin's mean absolute error by the in-sample one-day seasonal naive
/// error of the values before it (Hyndman &amp; Koehler 2006); the series' MASE is the mean over origins.
/// </summary>
internal static class ForecastRollingOrigin
{
    public static ForecastSeriesResult Evaluate(string root, string name, int horizon, int originCount, double tail, double level, ForecastOptions options)
    {
        var (values, step) = Read(Path.Combine(root, name), name);
        var n = values.Length;
        var period = Math.Max(1, (int)Math.Round(TimeSpan.FromDays(1) / step));
        var first = (int)Math.Floor((1 - tail) * n);
        var origins = Backtest.Origins(n, horizon, originCount, n - horizon - first);

        var forecaster = new StreamingForecaster(options);
        var forecast = new ForecastPoint[horizon];
        double mase = 0, seasonal = 0, naive = 0;
        int inside = 0, judged = 0;
        var models = new List<string>();
        var periods = new List<int>();
        var t = 0;
        foreach (var origin in origins)
        {
            while (t < origin)
            {
                forecaster.Observe(values[t++]);
            }

            forecaster.Forecast(forecast, level);
            models.Add(forecaster.ModelName);
            periods.Add(forecaster.Period);
            var scale = Backtest.Scale(values.AsSpan(0, origin), period);
            double model = 0, snaive = 0, last = 0;
            for (var i = 0; i < horizon; i++)
            {
                var actual = values[origin + i];
                model += Math.Abs(actual - forecast[i].Value);
                snaive += Math.Abs(actual - values[origin + i - (period * ((i / period) + 1))]);
                last += Math.Abs(actual - values[origin - 1]);
                inside += actual >= forecast[i].Lower && actual <= forecast[i].Upper ? 1 : 0;
                judged++;
            }

            mase += model / horizon / scale;
            seasonal += snaive / horizon / scale;
            naive += last / horizon / scale;
        }

        var k = origins.Length;
        return new ForecastSeriesResult(name, n, period, mase / k, seasonal / k, naive / k, (double)inside / judged, models, periods);
    }

    private static (double[] Values, TimeSpan Step) Read(string path, string name)
    {
        using var input = new StreamReader(path);
        var reader = new NabCsvReader(input, name);
        var values = new List<double>();
        var gaps = new List<long>();
        DateTime? previous = null;
        while (reader.TryRead(out var row))
        {
            values.Add(row.Value);
            if (previous is { } p)
            {
                gaps.Add((row.Timestamp - p).Ticks);
            }

            previous = row.Timestamp;
        }

        gaps.Sort();
        return ([.. values], TimeSpan.FromTicks(gaps[gaps.Count / 2]));
    }
}
