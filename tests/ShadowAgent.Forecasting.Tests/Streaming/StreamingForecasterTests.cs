using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Forecasting.Tests.Streaming;

public sealed class StreamingForecasterTests
{
    [Fact]
    public void Observe_BetweenRefits_AllocatesNothing()
    {
        var series = Simulated.Seasonal(3000, 24, 100, 0, 20, 2, 61);
        var forecaster = new StreamingForecaster(new ForecastOptions { RefitEvery = 2000, HistoryCapacity = 1024 });
        for (var t = 0; t < 1000; t++)
        {
            forecaster.Observe(series[t]);
        }

        Assert.Equal(1, forecaster.Refits);
        var buffer = new ForecastPoint[12];
        forecaster.Forecast(buffer, 0.95);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var t = 1000; t < 1900; t++)
        {
            forecaster.Observe(series[t]);
        }

        forecaster.Forecast(buffer, 0.95);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1, forecaster.Refits);
    }

    [Fact]
    public void Observe_RefitsOnTheSchedule()
    {
        var forecaster = new StreamingForecaster(new ForecastOptions { MinHistory = 50, RefitEvery = 100, HistoryCapacity = 256 });
        foreach (var v in Simulated.RandomWalk(449, 10, 1, 62))
        {
            forecaster.Observe(v);
        }

        // First fit at 50 values, then at 150, 250, 350; the ring holds the last 256.
        Assert.Equal(4, forecaster.Refits);
        Assert.Equal(449, forecaster.Observed);
        forecaster.Observe(1);
        Assert.Equal(5, forecaster.Refits);
    }

    [Fact]
    public void Forecast_BeforeMinHistory_IsNaive()
    {
        var forecaster = new StreamingForecaster();
        forecaster.Observe(5);
        forecaster.Observe(7);
        forecaster.Observe(6);
        var points = forecaster.Forecast(3, 0.9);

        Assert.Equal("Naive", forecaster.ModelName);
        Assert.All(points, p => Assert.Equal(6, p.Value));

        // σ² from the differences (+2, −1): 2.5; h steps: 2.5·h.
        var z = 1.6448536269514722;
        Assert.Equal(6 + (z * Math.Sqrt(2.5 * 3)), points[2].Upper, 9);
    }

    [Fact]
    public void Forecast_NeverNegativeSeries_IsClippedAtZero()
    {
        var forecaster = new StreamingForecaster();
        var random = new Random(63);
        for (var t = 0; t < 300; t++)
        {
            forecaster.Observe(Math.Abs(Simulated.Normal(random)));
        }

        Assert.All(forecaster.Forecast(24, 0.99), p => Assert.True(p.Lower >= 0 && p.Value >= 0 && p.Upper > 0));
    }

    [Fact]
    public void Observe_NonFinite_Throws()
    {
        var forecaster = new StreamingForecaster();
        Assert.Throws<ArgumentOutOfRangeException>(() => forecaster.Observe(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => forecaster.Forecast(new ForecastPoint[1], 1.0));
        Assert.Throws<ArgumentException>(() => new StreamingForecaster(new ForecastOptions { SeasonalityWindow = 1000 }));
    }
}
