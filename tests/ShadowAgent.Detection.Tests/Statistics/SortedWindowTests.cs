using ShadowAgent.Detection.Statistics;

namespace ShadowAgent.Detection.Tests.Statistics;

public class SortedWindowTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    public void Add_RandomValuesWithTies_MatchesSortingTheLastValues(int capacity)
    {
        var random = new Random(capacity);
        var window = new SortedWindow(capacity);
        var all = new List<double>();
        for (var i = 0; i < 500; i++)
        {
            // Rounded so ties are common, as in quantized metrics.
            var value = Math.Round(random.NextDouble() * 20) / 2;
            window.Add(value);
            all.Add(value);
            var expected = all.TakeLast(capacity).Order().ToArray();
            Assert.Equal(expected, window.Sorted.ToArray());

            var median = expected.Length % 2 == 1 ? expected[expected.Length / 2] : (expected[(expected.Length / 2) - 1] + expected[expected.Length / 2]) / 2;
            Assert.Equal(median, window.Median(), 12);

            var mad = expected.Select(v => Math.Abs(v - median)).Order().ToArray();
            Assert.Equal(mad[mad.Length / 2], window.MedianAbsoluteDeviation(median), 12);
        }
    }

    [Fact]
    public void Quantile_Interpolates_BetweenOrderStatistics()
    {
        var window = new SortedWindow(5);
        foreach (var v in new double[] { 4, 0, 3, 1, 2 })
        {
            window.Add(v);
        }

        Assert.Equal(0, window.Quantile(0));
        Assert.Equal(4, window.Quantile(1));
        Assert.Equal(1, window.Quantile(0.25));
        Assert.Equal(2.4, window.Quantile(0.6), 12);
    }

    [Fact]
    public void Empty_Window_GivesNaN()
    {
        var window = new SortedWindow(4);
        Assert.True(double.IsNaN(window.Median()));
        Assert.True(double.IsNaN(window.Quantile(0.5)));
        Assert.True(double.IsNaN(window.MedianAbsoluteDeviation(0)));
    }
}
