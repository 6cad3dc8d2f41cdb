using ShadowAgent.Detection.Detectors;

namespace ShadowAgent.Detection.Tests.Detectors;

public class NoveltyDetectorTests
{
    [Fact]
    public void RangeRecord_LevelShiftBeyondTheRange_ScoresOnItsFirstValue()
    {
        var detector = new RangeRecord(30);
        var values = TestSeries.Gaussian(2000, 100, 3, seed: 21);
        for (var i = 1500; i < values.Length; i++)
        {
            values[i] += 40;
        }

        var noiseMax = 0.0;
        var atShift = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            var s = detector.Observe(values[i]);
            if (i is >= 500 and < 1500)
            {
                noiseMax = Math.Max(noiseMax, s);
            }
            else if (i == 1500)
            {
                atShift = s;
            }
        }

        Assert.True(atShift > 0.5, $"shift {atShift}");
        Assert.True(atShift > 10 * noiseMax, $"shift {atShift} vs noise max {noiseMax}");
    }

    [Fact]
    public void RangeRecord_Noise_StaysAtZeroAlmostEverywhere()
    {
        var detector = new RangeRecord(30);
        var nonZero = 0;
        foreach (var (v, i) in TestSeries.Gaussian(5000, 0, 1, seed: 22).Select((v, i) => (v, i)))
        {
            var s = detector.Observe(v);
            if (i >= 1000 && s > 0)
            {
                nonZero++;
            }
        }

        // Records of i.i.d. noise: about 2·ln(5000/1000) ≈ 3 expected after the first thousand values.
        Assert.InRange(nonZero, 0, 10);
    }

    [Fact]
    public void RangeRecord_NewPeakAfterRepeatedBursts_ScoresWhileTheBurstsDoNot()
    {
        // Bursts to 50 every 200 values are part of the series; one burst to 100 is not.
        var detector = new RangeRecord(30);
        var values = TestSeries.Gaussian(3000, 2, 0.2, seed: 23);
        for (var i = 100; i < values.Length; i += 200)
        {
            values[i] = 50 + values[i];
        }

        values[2500] = 100;
        var burstMax = 0.0;
        var peak = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            var s = detector.Observe(values[i]);
            if (i is > 1000 and < 2500)
            {
                burstMax = Math.Max(burstMax, s);
            }
            else if (i == 2500)
            {
                peak = s;
            }
        }

        Assert.True(peak > 0.5, $"peak {peak}");
        Assert.True(burstMax < 0.05, $"bursts {burstMax}");
    }

    [Fact]
    public void RangeRecord_Horizon_LetsAnOldExtremeFade()
    {
        var keeping = new RangeRecord(30);
        var fading = new RangeRecord(30, horizon: 500);
        var values = TestSeries.Gaussian(4000, 10, 1, seed: 24);
        values[200] = 40;
        values[3900] = 30;
        double kept = 0, faded = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var k = keeping.Observe(values[i]);
            var f = fading.Observe(values[i]);
            if (i == 3900)
            {
                kept = k;
                faded = f;
            }
        }

        Assert.Equal(0, kept);
        Assert.True(faded > 0.5, $"faded {faded}");
    }

    [Fact]
    public void ContextNovelty_BrokenPattern_ScoresHighWhileTheLearnedPatternScoresLow()
    {
        // A square wave (4 low, 4 high) whose values are all ordinary; at 3000 it stays low for a whole period.
        var detector = new ContextNovelty(8, 4, 12, 30);
        var random = new Random(25);
        var values = new double[3200];
        for (var i = 0; i < values.Length; i++)
        {
            var high = i % 8 >= 4 && i is not (>= 3000 and < 3008);
            values[i] = (high ? 80 : 20) + random.NextDouble();
        }

        double patternMax = 0, broken = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var s = detector.Observe(values[i]);
            if (i is > 2000 and < 3000)
            {
                patternMax = Math.Max(patternMax, s);
            }
            else if (i is >= 3000 and < 3008)
            {
                broken = Math.Max(broken, s);
            }
        }

        Assert.True(broken > 1.5 * patternMax, $"broken {broken} vs pattern {patternMax}");
    }

    [Fact]
    public void ContextNovelty_ValueBeyondTheRange_ScoresAboveEverythingBefore()
    {
        var detector = new ContextNovelty(8, 4, 12, 30);
        var values = TestSeries.Gaussian(2000, 100, 3, seed: 26);
        values[1800] = 150;
        var before = 0.0;
        var spike = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            var s = detector.Observe(values[i]);
            if (i is > 1000 and < 1800)
            {
                before = Math.Max(before, s);
            }
            else if (i == 1800)
            {
                spike = s;
            }
        }

        Assert.True(spike > before, $"spike {spike} vs before {before}");
    }

    [Fact]
    public void ContextNovelty_Restart_ForgetsTheFacts()
    {
        var detector = new ContextNovelty(4, 2, 8, 5);
        foreach (var v in TestSeries.Gaussian(100, 0, 1, seed: 27))
        {
            detector.Observe(v);
        }

        detector.Restart();
        Assert.True(double.IsNaN(detector.Observe(1)));
    }

    [Theory]
    [InlineData(1, 4, 12)]
    [InlineData(8, 13, 12)]
    [InlineData(8, 4, 7)]
    public void ContextNovelty_BadSettings_Throw(int levels, int order, int tableBits)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ContextNovelty(levels, order, tableBits, 10));
    }
}
