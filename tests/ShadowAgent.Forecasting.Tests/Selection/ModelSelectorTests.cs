using ShadowAgent.Forecasting.Models;
using ShadowAgent.Forecasting.Selection;
using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Forecasting.Tests.Selection;

public sealed class ModelSelectorTests
{
    private readonly ModelSelector _selector = new(new ForecastOptions());

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public void Select_ClearlySeasonalSeries_PicksASeasonalModelAtThePeriod(int seed)
    {
        var series = Simulated.Seasonal(24 * 40, 24, level: 100, slope: 0, amplitude: 20, noise: 2, seed);
        var selection = _selector.Select(series);

        Assert.Equal(24, selection.Seasonality.Period);
        Assert.True(selection.Winner.IsSeasonal, selection.Winner.Name);
        Assert.Equal(24, selection.Model.Period);

        // The smoothers without a season scored clearly worse (ARIMA is left out: an AR(2) can carry a sine).
        var best = selection.Scores.Min(s => s.Mase);
        Assert.All(
            selection.Scores.Where(s => !s.Spec.IsSeasonal && s.Spec.Family != ModelFamily.Arima),
            s => Assert.True(s.Mase > 2 * best, $"{s.Spec.Name} {s.Mase} vs {best}"));
    }

    [Theory]
    [InlineData(51)]
    [InlineData(52)]
    [InlineData(53)]
    public void Select_RandomWalk_PicksANonSeasonalModelThatForecastsTheLastValue(int seed)
    {
        var series = Simulated.RandomWalk(1500, 100, 1, seed);
        var selection = _selector.Select(series);

        Assert.False(selection.Seasonality.HasPeriod);
        Assert.False(selection.Winner.IsSeasonal, selection.Winner.Name);

        // Naive, simple smoothing with α near 1, or ARIMA differenced once: all forecast about the last value.
        var point = new double[5];
        selection.Model.Forecast(point, new double[5]);
        Assert.All(point, p => Assert.Equal(series[^1], p, 1.0));
        if (selection.Model is Arima arima)
        {
            Assert.Equal(1, arima.Order.D);
        }
    }

    [Fact]
    public void Origins_SpreadEvenlyAndLeaveOneHorizon()
    {
        Assert.Equal([40, 45, 50, 55, 60], Backtest.Origins(72, 12, 5, 20));
        Assert.Equal([60], Backtest.Origins(72, 12, 1, 20));
    }

    [Fact]
    public void Scale_IsTheInSampleSeasonalNaiveError()
    {
        Assert.Equal(2, Backtest.Scale([1, 2, 3, 3, 4, 5], 3));
        Assert.Equal(1, Backtest.Scale([7, 7, 7, 7], 1));
    }
}
