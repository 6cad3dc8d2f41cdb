using ShadowAgent.Detection.Detectors;

namespace ShadowAgent.Detection.Tests.Detectors;

public class DetectorTests
{
    public static TheoryData<string> Names => ["robust_z", "ewma", "cusum", "bocpd", "seasonal", "record", "context"];

    private static IStreamDetector Create(string name) => name switch
    {
        "robust_z" => new RobustZScore(256, 30),
        "ewma" => new EwmaBands(0.01, 30),
        "cusum" => new Cusum(0.005, 0.5, 8, 30),
        "bocpd" => new Bocpd(1.0 / 250, 256, 0.002, 30),
        "record" => new RangeRecord(30),
        "context" => new ContextNovelty(8, 4, 12, 30),
        _ => new SeasonalBaseline(1024, 3, 300, 1024, 4, 0.3, 0.01),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Observe_FirstValues_AbstainWithNaN(string name)
    {
        var detector = Create(name);
        Assert.True(double.IsNaN(detector.Observe(1)));
        Assert.True(double.IsNaN(detector.Observe(2)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Observe_ScoreAtT_IsUnchangedByValuesAfterT(string name)
    {
        var past = TestSeries.Seasonal(1500, 50, 10, 1, seed: 3);
        var other = (double[])past.Clone();
        for (var i = 1000; i < other.Length; i++)
        {
            other[i] = 1000 - other[i];
        }

        var a = Create(name);
        var b = Create(name);
        var scoresA = past.Select(a.Observe).ToArray();
        var scoresB = other.Select(b.Observe).ToArray();
        Assert.Equal(scoresA.AsSpan(0, 1000).ToArray(), scoresB.AsSpan(0, 1000).ToArray());
        Assert.NotEqual(scoresA[1000], scoresB[1000]);
    }

    [Theory]
    [InlineData("robust_z")]
    [InlineData("ewma")]
    [InlineData("bocpd")]
    public void Observe_Spike_ScoresFarAboveTheNoise(string name)
    {
        var detector = Create(name);
        var values = TestSeries.Gaussian(2000, 100, 5, seed: 4);
        var max = 0.0;
        foreach (var v in values)
        {
            var s = detector.Observe(v);
            if (!double.IsNaN(s))
            {
                max = Math.Max(max, s);
            }
        }

        var spike = detector.Observe(200);
        Assert.True(spike > 3 * max, $"{name}: spike {spike} vs noise max {max}");
    }

    [Fact]
    public void RobustZScore_Spike_DoesNotMoveTheBaseline()
    {
        var detector = new RobustZScore(101, 10);
        foreach (var v in TestSeries.Gaussian(100, 10, 1, seed: 5))
        {
            detector.Observe(v);
        }

        var median = detector.Median;
        detector.Observe(1e6);
        Assert.Equal(median, detector.Median, 0.5);
    }

    [Fact]
    public void RobustZScore_FlatLine_ScoresADepartureHigh()
    {
        var detector = new RobustZScore(64, 10);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(!(detector.Observe(45) > 0));
        }

        Assert.True(detector.Observe(45.5) > 1000);
    }

    [Fact]
    public void Cusum_SmallSustainedShift_AccumulatesWherePointScoresStayLow()
    {
        var cusum = new Cusum(0.001, 0.5, 1e9, 30);
        var ewma = new EwmaBands(0.001, 30);
        var values = TestSeries.Gaussian(3000, 0, 1, seed: 6);
        for (var i = 2000; i < values.Length; i++)
        {
            values[i] += 1; // one sigma
        }

        double cusumBefore = 0, cusumAfter = 0, ewmaAfter = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var c = cusum.Observe(values[i]);
            var e = ewma.Observe(values[i]);
            if (i is > 1000 and < 2000)
            {
                cusumBefore = Math.Max(cusumBefore, c);
            }

            if (i is >= 2000 and < 2100)
            {
                cusumAfter = Math.Max(cusumAfter, c);
                ewmaAfter = Math.Max(ewmaAfter, e);
            }
        }

        Assert.True(cusumAfter > 2 * cusumBefore, $"{cusumAfter} vs {cusumBefore}");
        Assert.True(cusumAfter > 5 * ewmaAfter, $"{cusumAfter} vs {ewmaAfter}");
    }

    [Fact]
    public void Bocpd_MeanShift_ChangepointProbabilityPeaksAtTheChange()
    {
        var bocpd = new Bocpd(1.0 / 250, 256, 0.002, 30);
        var values = TestSeries.Gaussian(1500, 0, 1, seed: 7);
        for (var i = 1000; i < values.Length; i++)
        {
            values[i] += 6;
        }

        var before = 0.0;
        var atChange = 0.0;
        var runAfter20 = 0;
        for (var i = 0; i < values.Length; i++)
        {
            bocpd.Observe(values[i]);
            if (i is > 200 and < 1000)
            {
                before = Math.Max(before, bocpd.ChangepointProbability);
            }

            if (i == 1019)
            {
                runAfter20 = bocpd.MostProbableRunLength;
            }

            if (i is >= 1000 and < 1003)
            {
                atChange = Math.Max(atChange, bocpd.ChangepointProbability);
            }
        }

        Assert.True(atChange > 0.7, $"at change {atChange}");
        Assert.True(before < 0.5, $"before {before}");
        Assert.InRange(runAfter20, 15, 21);
    }

    [Fact]
    public void Bocpd_Stationary_MostProbableRunKeepsGrowingToTheTruncation()
    {
        var bocpd = new Bocpd(1.0 / 250, 128, 0.002, 30);
        foreach (var v in TestSeries.Gaussian(1000, 5, 2, seed: 8))
        {
            bocpd.Observe(v);
        }

        Assert.InRange(bocpd.MostProbableRunLength, 100, 128);
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(0.5, 0.5723649429247001)]
    [InlineData(10.0, 12.801827480081469)]
    [InlineData(150.5, 602.5139548705855)]
    public void LogGamma_KnownValues(double x, double expected)
    {
        Assert.Equal(expected, Bocpd.LogGamma(x), 1e-7 * Math.Max(1, Math.Abs(expected)));
    }

    [Fact]
    public void SeasonalBaseline_AnomalyAtAPhase_ScoresHighWhileThePatternItselfScoresLow()
    {
        var detector = new SeasonalBaseline(2048, 3, 600, 4096, 4, 0.3, 0.01);
        var values = TestSeries.Seasonal(3000, 100, 20, 0.5, seed: 9);
        values[2525] = 50; // a level the sine crosses anyway, but at its peak phase
        double normalMax = 0, anomaly = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var s = detector.Observe(values[i]);
            if (i == 2525)
            {
                anomaly = s;
            }
            else if (i > 1500 && !double.IsNaN(s))
            {
                normalMax = Math.Max(normalMax, s);
            }
        }

        Assert.InRange(detector.Period, 99, 101);
        Assert.True(anomaly > 3 * normalMax, $"{anomaly} vs {normalMax}");
    }
}
