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
        Assert.Equal(5, top.Length);
    }

    [Fact]
    public void Observe_LongNoise_AlarmBudgetHoldsAlarmsDownLateInTheSeries()
    {
        var values = TestSeries.Gaussian(20000, 50, 5, seed: 13);
        int Late(DetectionOptions options)
        {
            var detector = new SeriesDetector(options);
            var late = 0;
            for (var i = 0; i < values.Length; i++)
            {
                if (detector.Observe(values[i]).Alarm && i >= 8000)
                {
                    late++;
                }
            }

            return late;
        }

        var unbudgeted = Late(new DetectionOptions { AlarmBudgetSpan = 0 });
        var budgeted = Late(new DetectionOptions());
        // Without the budget the alarm rate stays what it was in the first span; with it, past 4000 values, a
        // value must be (history / 4000) times rarer. Pure noise: at most one alarm per thousand values either way.
        Assert.True(budgeted < 0.8 * unbudgeted, $"{budgeted} alarms with the budget, {unbudgeted} without");
        Assert.InRange(budgeted, 0, 12);
    }

    [Fact]
    public void Observe_NewPeakAfterRepeatedBursts_RaisesAnAlarm()
    {
        // Bursts to about 50 every 150 values become ordinary; the one to 100 must still alarm.
        var values = TestSeries.Gaussian(4000, 2, 0.2, seed: 14);
        var random = new Random(15);
        for (var i = 100; i < values.Length; i += 150)
        {
            values[i] = 45 + (10 * random.NextDouble());
        }

        values[3500] = 100;
        var detector = new SeriesDetector(new DetectionOptions());
        var alarms = new List<int>();
        for (var i = 0; i < values.Length; i++)
        {
            if (detector.Observe(values[i]).Alarm)
            {
                alarms.Add(i);
            }
        }

        Assert.Contains(3500, alarms);
        Assert.InRange(alarms.Count(a => a is > 2000 and < 3500), 0, 1);
    }

    [Fact]
    public void Observe_HeavierWeight_LowersTheCombinedProbabilityOfItsDetector()
    {
        var values = TestSeries.Gaussian(3000, 10, 1, seed: 16);
        values[2900] = 30;
        double Combined(double recordWeight)
        {
            var detector = new SeriesDetector(new DetectionOptions { Detectors = DetectorKinds.Record | DetectorKinds.Ewma, RecordWeight = recordWeight, QuietPeriod = 0 });
            var p = 1.0;
            for (var i = 0; i <= 2900; i++)
            {
                p = detector.Observe(values[i]).TailProbability;
            }

            return p;
        }

        Assert.True(Combined(4) < Combined(1));
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
        var options = new DetectionOptions
        {
            EwmaAlpha = 0, SeasonalHistory = 1000, Detectors = DetectorKinds.None, RecordWeight = 0, AlarmBudgetSpan = -1, ContextOrder = 20,
        };
        var ex = Assert.Throws<ArgumentException>(() => new SeriesDetector(options));
        Assert.Contains("RecordWeight", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AlarmBudgetSpan", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ContextOrder", ex.Message, StringComparison.Ordinal);
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
