using ShadowAgent.Forecasting.Models;
using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Forecasting.Tests.Streaming;

/// <summary>
/// The intervals mean what they say: over many independent simulated series, the 95% interval of a step
/// holds the value that came about 95% of the time. One forecast per series, so the trials are independent
/// and the count of hits is binomial: the check allows three standard deviations (n = 300: ±3.8%).
/// </summary>
public sealed class IntervalCoverageTests
{
    private const int Series = 300;
    private const double Level = 0.95;

    private static readonly double Tolerance = 3 * Math.Sqrt(Level * (1 - Level) / Series);

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Forecaster_LocalLevelSeries_CoversAtTheLevel(int step)
    {
        var random = new Random(71 + step);
        var hits = 0;
        for (var s = 0; s < Series; s++)
        {
            var series = Simulated.LocalLevel(200 + step, 50, levelStep: 1, noise: 2, random);
            var forecaster = new StreamingForecaster(new ForecastOptions { HistoryCapacity = 256, RefitEvery = 1000 });
            foreach (var v in series.AsSpan(0, 200))
            {
                forecaster.Observe(v);
            }

            forecaster.Refit();
            var point = forecaster.Forecast(step, Level)[step - 1];
            hits += series[199 + step] >= point.Lower && series[199 + step] <= point.Upper ? 1 : 0;
        }

        Assert.InRange((double)hits / Series, Level - Tolerance, Level + Tolerance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    public void HoltWinters_SeasonalSeries_CoversAtTheLevel(int step)
    {
        var random = new Random(81 + step);
        var hits = 0;
        var point = new double[step];
        var variance = new double[step];
        for (var s = 0; s < Series; s++)
        {
            var phase = random.Next(12);
            var series = Enumerable.Range(phase, (12 * 20) + step).Select(t => 30 + (8 * Math.Sin(2 * Math.PI * t / 12)) + (2 * Simulated.Normal(random))).ToArray();
            var model = EtsFitter.Fit(series.AsSpan(0, 240), EtsTrend.None, EtsSeason.Additive, 12)!;
            model.Forecast(point, variance);
            var half = 1.959963984540054 * Math.Sqrt(variance[step - 1]);
            var actual = series[239 + step];
            hits += Math.Abs(actual - point[step - 1]) <= half ? 1 : 0;
        }

        Assert.InRange((double)hits / Series, Level - Tolerance, Level + Tolerance);
    }

    [Fact]
    public void Arima_Ar1Series_CoversAtTheLevel()
    {
        var hits = 0;
        var point = new double[3];
        var variance = new double[3];
        for (var s = 0; s < Series; s++)
        {
            var series = Simulated.Autoregressive(303, 10, [0.7], 1, 900 + s);
            var model = ArimaFitter.Fit(series.AsSpan(0, 300), new ArimaOrder(1, 0, 0, 0, 0, true))!;
            model.Forecast(point, variance);
            hits += Math.Abs(series[302] - point[2]) <= 1.959963984540054 * Math.Sqrt(variance[2]) ? 1 : 0;
        }

        Assert.InRange((double)hits / Series, Level - Tolerance, Level + Tolerance);
    }
}
