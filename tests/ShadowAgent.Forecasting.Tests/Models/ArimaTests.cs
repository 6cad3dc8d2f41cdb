using ShadowAgent.Forecasting.Models;

namespace ShadowAgent.Forecasting.Tests.Models;

public sealed class ArimaTests
{
    [Theory]
    [InlineData(0.6, -0.3, 31)]
    [InlineData(1.2, -0.5, 32)]
    [InlineData(-0.4, 0.2, 33)]
    public void Fit_SimulatedAr2_RecoversTheCoefficients(double phi1, double phi2, int seed)
    {
        // Standard errors are about √((1 − φ2²)/n) ≈ 0.02 at n = 2000: allow 0.06.
        var series = Simulated.Autoregressive(2000, mean: 50, [phi1, phi2], sigma: 1, seed);
        var model = ArimaFitter.Fit(series, new ArimaOrder(2, 0, 0, 0, 0, Constant: true));

        Assert.NotNull(model);
        Assert.Equal(phi1, model.Ar[0], 0.06);
        Assert.Equal(phi2, model.Ar[1], 0.06);
        Assert.InRange(model.Sigma2, 0.9, 1.1);

        // The long-run forecast goes back to the mean.
        var point = new double[400];
        model.Forecast(point, new double[400]);
        Assert.Equal(50, point[^1], 0.3);
    }

    [Fact]
    public void FitAuto_StationaryAr2_DoesNotDifferenceAndFindsTwoLags()
    {
        var series = Simulated.Autoregressive(2000, mean: 20, [0.6, -0.3], sigma: 1, seed: 34);
        var model = ArimaFitter.FitAuto(series, period: 0);

        Assert.NotNull(model);
        Assert.Equal(0, model.Order.D);
        Assert.True(model.Order.P + model.Order.Q >= 2, model.Name);
    }

    [Fact]
    public void FitAuto_RandomWalk_DifferencesOnce()
    {
        var model = ArimaFitter.FitAuto(Simulated.RandomWalk(2000, 0, 1, 35), period: 0);
        Assert.NotNull(model);
        Assert.Equal(1, model.Order.D);
    }

    [Fact]
    public void Expand_ArTimesDifferences_MultipliesThePolynomials()
    {
        // (1 − 0.5B)(1 − B)(1 − B⁴) = 1 − 1.5B + 0.5B² − B⁴ + 1.5B⁵ − 0.5B⁶.
        var poly = Arima.Expand([0.5], 1, 1, 4);
        Assert.Equal([1, -1.5, 0.5, 0, -1, 1.5, -0.5], poly);
    }

    [Fact]
    public void Forecast_RandomWalk_WidensAsTheSquareRootOfTheHorizon()
    {
        // ARIMA(0,1,0): ψ_j = 1, var_h = σ²·h; the forecast is the last value.
        var model = new Arima(new ArimaOrder(0, 1, 0, 0, 0, false), [], [], 0, sigma2: 2);
        foreach (var v in new[] { 3.0, 5.0, 4.0 })
        {
            model.Update(v);
        }

        var point = new double[4];
        var variance = new double[4];
        model.Forecast(point, variance);
        Assert.Equal([4.0, 4.0, 4.0, 4.0], point);
        Assert.Equal([2.0, 4.0, 6.0, 8.0], variance);
    }

    [Fact]
    public void Forecast_Ma1_UsesTheLastErrorForOneStepOnly()
    {
        // ARIMA(0,0,1) with mean 10, θ = 0.5: ŷ_{t+1} = 10 + 0.5·e_t, then 10; ψ = (1, 0.5).
        var model = new Arima(new ArimaOrder(0, 0, 1, 0, 0, true), [], [0.5], 10, sigma2: 1);
        model.Update(10);
        model.Update(12);
        var point = new double[3];
        var variance = new double[3];
        model.Forecast(point, variance);
        Assert.Equal([11.0, 10.0, 10.0], point);
        Assert.Equal([1.0, 1.25, 1.25], variance);
    }
}
