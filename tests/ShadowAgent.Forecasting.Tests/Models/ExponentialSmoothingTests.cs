using ShadowAgent.Forecasting.Models;

namespace ShadowAgent.Forecasting.Tests.Models;

public sealed class ExponentialSmoothingTests
{
    [Fact]
    public void Fit_HoltWintersSeries_RecoversLevelTrendAndSeason()
    {
        const int Period = 24;
        const int Count = Period * 25;
        var series = Simulated.Seasonal(Count, Period, level: 100, slope: 0.5, amplitude: 10, noise: 1, seed: 21);
        var model = EtsFitter.Fit(series, EtsTrend.Additive, EtsSeason.Additive, Period);

        Assert.NotNull(model);
        Assert.Equal("ETS(A,A,A)[24]", model.Name);

        // State after the last value (t = Count − 1): level 100 + 0.5·t without the season, slope 0.5.
        Assert.InRange(model.Level, 100 + (0.5 * (Count - 1)) - 1.5, 100 + (0.5 * (Count - 1)) + 1.5);
        Assert.InRange(model.Slope, 0.45, 0.55);
        for (var ahead = 1; ahead <= Period; ahead++)
        {
            var truth = 10 * Math.Sin(2 * Math.PI * (Count - 1 + ahead) / Period);
            Assert.InRange(model.SeasonAt(ahead), truth - 1.5, truth + 1.5);
        }

        // Forecasts follow the true curve a whole season ahead; the noise is the one-step error.
        var point = new double[Period];
        var variance = new double[Period];
        model.Forecast(point, variance);
        for (var i = 0; i < Period; i++)
        {
            var t = Count + i;
            Assert.InRange(point[i], 100 + (0.5 * t) + (10 * Math.Sin(2 * Math.PI * t / Period)) - 2, 100 + (0.5 * t) + (10 * Math.Sin(2 * Math.PI * t / Period)) + 2);
        }

        Assert.InRange(Math.Sqrt(model.Sigma2), 0.85, 1.2);
    }

    [Fact]
    public void Fit_MultiplicativeSeason_RecoversTheFactors()
    {
        const int Period = 12;
        var random = new Random(5);
        var series = Enumerable.Range(0, Period * 30)
            .Select(t => 200 * (1 + (0.3 * Math.Sin(2 * Math.PI * t / Period))) + (2 * Simulated.Normal(random)))
            .ToArray();
        var model = EtsFitter.Fit(series, EtsTrend.None, EtsSeason.Multiplicative, Period);

        Assert.NotNull(model);
        Assert.InRange(model.Level, 195, 205);
        for (var ahead = 1; ahead <= Period; ahead++)
        {
            var truth = 1 + (0.3 * Math.Sin(2 * Math.PI * (series.Length - 1 + ahead) / Period));
            Assert.InRange(model.SeasonAt(ahead), truth - 0.03, truth + 0.03);
        }
    }

    [Fact]
    public void Fit_NonPositiveSeries_RefusesAMultiplicativeSeason()
    {
        var series = Simulated.Seasonal(480, 24, 0, 0, 10, 1, 3);
        Assert.Null(EtsFitter.Fit(series, EtsTrend.None, EtsSeason.Multiplicative, 24));
        Assert.Null(EtsFitter.Fit(series.AsSpan(0, 50), EtsTrend.None, EtsSeason.Additive, 24));
    }

    [Fact]
    public void Forecast_SimpleExponentialSmoothing_HasTheClosedFormVariance()
    {
        // ETS(A,N,N): var_h = σ²·(1 + (h − 1)·α²) (Hyndman et al. 2008, Table 6.1).
        var model = new ExponentialSmoothing(EtsTrend.None, EtsSeason.None, 0);
        model.Reset(new EtsParameters(0.3, 0, 0, 1), level: 10, slope: 0, season: [], sigma2: 4);
        var point = new double[5];
        var variance = new double[5];
        model.Forecast(point, variance);
        for (var h = 1; h <= 5; h++)
        {
            Assert.Equal(10, point[h - 1], 12);
            Assert.Equal(4 * (1 + ((h - 1) * 0.09)), variance[h - 1], 12);
        }
    }

    [Fact]
    public void Forecast_HoltLinear_HasTheClosedFormVariance()
    {
        // ETS(A,A,N): var_h = σ²·(1 + (h − 1)·(α² + αβh + β²h(2h − 1)/6)) (Hyndman et al. 2008, Table 6.1).
        const double A = 0.4, B = 0.1;
        var model = new ExponentialSmoothing(EtsTrend.Additive, EtsSeason.None, 0);
        model.Reset(new EtsParameters(A, B, 0, 1), level: 10, slope: 2, season: [], sigma2: 1);
        var point = new double[6];
        var variance = new double[6];
        model.Forecast(point, variance);
        for (var h = 1; h <= 6; h++)
        {
            Assert.Equal(10 + (2 * h), point[h - 1], 12);
            Assert.Equal(1 + ((h - 1) * ((A * A) + (A * B * h) + (B * B * h * ((2 * h) - 1) / 6))), variance[h - 1], 12);
        }
    }
}
