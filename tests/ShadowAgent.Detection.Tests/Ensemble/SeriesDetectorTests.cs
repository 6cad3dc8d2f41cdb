using ShadowAgent.Detection.Ensemble;

namespace ShadowAgent.Detection.Tests.Ensemble;

public class SeriesDetectorTests
{
    [Fact]
    public void Observe_ScoresDependOnlyOnThePast()
    {
        var a = TestSeries.Seasonal(3000, 144, 10, 1, seed: 10);
        var b = (double[])a.Clone();
        for (var i = 2000; i < b.Length; i++)
        {
            b[i] *= 3;
        }

        var da = new SeriesDetector(new DetectionOptions());
        var db = new SeriesDetector(new DetectionOptions());
        for (var i = 0; i < 2000; i++)
        {
            Assert.Equal(da.Observe(a[i]), db.Observe(b[i]));
        }
    }

    [Fact]
    public void Observe_Spike_RaisesOneAlarmThenStaysQuiet()
    {
        var values = TestSeries.Gaussian(4000, 100, 3, seed: 11);
        values[3000] = 160;
        values[3010] = 165;
        var detector = new SeriesDetector(new DetectionOptions());
        var alarms = new List<int>();
        var scores = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var result = detector.Observe(values[i]);
            scores[i] = result.Score;
            if (result.Alarm)
            {
                alarms.Add(i);
            }

            Assert.InRange(result.Score, 0, 1);
        }

        Assert.Contains(3000, alarms);
        Assert.DoesNotContain(3010, alarms);
        Assert.Equal(0, scores[3010]);
        Assert.True(scores[3000] > scores.Where((_, i) => i is > 1000 and < 3000).Max());
        var top = detector.Readings.ToArray();
        Assert.Equal(4, top.Length);
    }

    [Fact]
    public void Observe_NonFiniteValue_IsSkipped()
    {
        var detector = new SeriesDetector(new DetectionOptions());
        detector.Observe(1);
        var result = detector.Observe(double.NaN);
        Assert.Equal(0, result.Score);
        Assert.Equal(1, detector.Count);
    }

    [Fact]
    public void Constructor_InvalidOptions_NamesEveryProblem()
    {
        var options = new DetectionOptions { EwmaAlpha = 0, SeasonalHistory = 1000, Detectors = DetectorKinds.None };
        var ex = Assert.Throws<ArgumentException>(() => new SeriesDetector(options));
        Assert.Contains("EwmaAlpha", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SeasonalHistory", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Detectors", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScoreOf_IsMonotoneAndHalfAtOneInAThousand()
    {
        Assert.Equal(0, SeriesDetector.ScoreOf(1));
        Assert.Equal(0.5, SeriesDetector.ScoreOf(1e-3), 12);
        Assert.True(SeriesDetector.ScoreOf(1e-9) > SeriesDetector.ScoreOf(1e-6));
        Assert.True(SeriesDetector.ScoreOf(0) < 1);
    }

    [Fact]
    public void Observe_AfterWarmup_AllocatesNothing()
    {
        var values = TestSeries.Seasonal(6000, 288, 10, 1, seed: 12);
        var detector = new SeriesDetector(new DetectionOptions());
        for (var i = 0; i < 3000; i++)
        {
            detector.Observe(values[i]);
        }

        // Includes a period re-search (every 1024 values) and calibrator rescaling.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 3000; i < values.Length; i++)
        {
            detector.Observe(values[i]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
