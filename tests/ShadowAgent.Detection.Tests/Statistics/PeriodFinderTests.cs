using ShadowAgent.Detection.Statistics;

namespace ShadowAgent.Detection.Tests.Statistics;

public class PeriodFinderTests
{
    [Theory]
    [InlineData(288, 2048)]
    [InlineData(24, 512)]
    [InlineData(100, 2048)]
    public void Find_NoisySine_FindsItsPeriod(int period, int length)
    {
        var series = TestSeries.Seasonal(length, period, 10, 2, seed: period);
        var finder = new PeriodFinder(2048);
        var found = finder.Find(series, 4, 0.3);
        // The autocorrelation's hill is flat at the top, so noise moves its maximum by a lag or two per hundred.
        Assert.InRange(found, period * 0.98, period * 1.02);
        Assert.True(finder.Strength > 0.5);
    }

    [Fact]
    public void Find_SquareWave_FindsThePeriodNotAMultiple()
    {
        var series = Enumerable.Range(0, 2048).Select(i => (i % 144) < 72 ? 20.0 : 80.0).ToArray();
        Assert.Equal(144, new PeriodFinder(2048).Find(series, 4, 0.3));
    }

    [Fact]
    public void Find_WhiteNoise_FindsNone()
    {
        var series = TestSeries.Gaussian(2048, 0, 1, seed: 3);
        Assert.Equal(0, new PeriodFinder(2048).Find(series, 4, 0.3));
    }

    [Fact]
    public void Find_TooShort_FindsNone()
    {
        Assert.Equal(0, new PeriodFinder(64).Find(new double[10], 4, 0.3));
    }
}
