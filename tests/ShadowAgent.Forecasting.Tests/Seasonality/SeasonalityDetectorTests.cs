using ShadowAgent.Forecasting.Seasonality;

namespace ShadowAgent.Forecasting.Tests.Seasonality;

public sealed class SeasonalityDetectorTests
{
    private readonly SeasonalityDetector _detector = new(4096);

    [Theory]
    [InlineData(12, 600, 1)]
    [InlineData(24, 1000, 2)]
    [InlineData(50, 1000, 3)]
    [InlineData(168, 2000, 4)]
    [InlineData(288, 4032, 5)]
    public void Detect_SinePlusNoise_FindsTheExactPeriod(int period, int count, int seed)
    {
        // Noise with half the amplitude's standard deviation, on a slope.
        var series = Simulated.Seasonal(count, period, level: 50, slope: 0.01, amplitude: 10, noise: 5, seed);
        var found = _detector.Detect(series, minPeriod: 4, maxPeriod: 1024, minAutocorrelation: 0.2);
        Assert.Equal(period, found.Period);
        Assert.InRange(found.Autocorrelation, 0.5, 1.0);
    }

    [Fact]
    public void Detect_WhiteNoise_FindsNone()
    {
        var random = new Random(7);
        var series = Enumerable.Range(0, 2000).Select(_ => Simulated.Normal(random)).ToArray();
        Assert.Equal(Season.None, _detector.Detect(series, 4, 1024, 0.2));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Detect_RandomWalk_FindsNone(int seed)
    {
        // Persistence: high autocorrelation at every lag, but no trough at half of any period.
        var series = Simulated.RandomWalk(3000, 100, 1, seed);
        Assert.False(_detector.Detect(series, 4, 1024, 0.2).HasPeriod);
    }

    [Fact]
    public void Detect_ConstantOrTooShort_FindsNone()
    {
        Assert.False(_detector.Detect(Enumerable.Repeat(3.0, 500).ToArray(), 4, 1024, 0.2).HasPeriod);
        Assert.False(_detector.Detect(Simulated.Seasonal(20, 12, 0, 0, 1, 0, 1), 4, 1024, 0.2).HasPeriod);
    }

    [Fact]
    public void Detect_LongSeries_UsesTheMostRecentWindow()
    {
        // The first half has period 40, the recent 4096 values period 24: the window sees only the latter.
        var old = Simulated.Seasonal(6000, 40, 0, 0, 10, 1, 8);
        var recent = Simulated.Seasonal(4096, 24, 0, 0, 10, 1, 9);
        Assert.Equal(24, _detector.Detect([.. old, .. recent], 4, 1024, 0.2).Period);
    }
}
