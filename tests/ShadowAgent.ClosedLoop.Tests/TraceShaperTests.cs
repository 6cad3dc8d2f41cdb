using ShadowAgent.ClosedLoop.Trace;

namespace ShadowAgent.ClosedLoop.Tests;

public sealed class TraceShaperTests
{
    private static readonly DateTime Start = new(2020, 1, 6, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>5-minute points over <paramref name="days"/> days (plus one point past the end), value = f(minutes since start).</summary>
    private static List<(DateTime, double)> Series(int days, Func<double, double> value) =>
        [.. Enumerable.Range(0, (days * 288) + 1).Select(i => (Start.AddMinutes(5 * i), value(5.0 * i)))];

    private static TraceSpec Spec(int warmupDays = 0) => new()
    {
        Start = Start,
        WarmupDays = warmupDays,
        DaySeconds = 60,
        PeakCores = 0.5,
        MaxCores = 1.6,
        RampAt = 0.5,
        RampFactor = 3,
        RampRise = 10,
        RampHold = 5,
        RampFall = 10,
    };

    [Fact]
    public void Shape_OneDayCompressed_OneStepPerTenthOfASecond()
    {
        var trace = TraceShaper.Shape(Series(2, _ => 10), Spec(warmupDays: 1));

        Assert.Equal(2 * 600, trace.Cores.Length);
        Assert.Equal(600, trace.StepsPerDay);
        Assert.Equal(60, trace.MeasuredStart);
        Assert.Equal(90, trace.RampStart);
        Assert.Equal(115, trace.RampEnd);
    }

    [Fact]
    public void Shape_ConstantSeries_P99MapsToPeakCores()
    {
        var trace = TraceShaper.Shape(Series(1, _ => 40), Spec() with { RampFactor = 1 });

        Assert.All(trace.Cores, c => Assert.Equal(0.5, c, 9));
        Assert.Equal(0.5 / 40, trace.ValueToCores, 12);
    }

    [Fact]
    public void Shape_LinearSeries_InterpolatesBetweenFiveMinutePoints()
    {
        // value = minutes since start; one wall second is 1440 / 60 = 24 real minutes.
        var trace = TraceShaper.Shape(Series(1, m => m), Spec() with { RampFactor = 1 });
        var scale = trace.ValueToCores;

        // Step 7 is centred on 0.75 s = 18 real minutes: between the 15- and 20-minute points.
        Assert.Equal(18 * scale, trace.Cores[7], 9);
        Assert.Equal(((599.5 * 0.1 * 24) * scale), trace.Cores[599], 6);
    }

    [Fact]
    public void Shape_SpikeAboveP99_ClippedToMaxDemandNotScaledBy()
    {
        var points = Series(1, _ => 10);
        points[100] = (points[100].Item1, 10_000);

        var trace = TraceShaper.Shape(points, Spec() with { RampFactor = 1 });

        // One point in 288 is under the 99th percentile's rank: the scale is set by the ordinary 10.
        Assert.Equal(0.05, trace.ValueToCores, 12);
        Assert.Equal(1.6, trace.Cores.Max());
    }

    [Fact]
    public void RampMultiplier_Phases_RiseHoldFallAroundTheRamp()
    {
        var spec = Spec();

        Assert.Equal(1, TraceShaper.RampMultiplier(spec, 29.9));
        Assert.Equal(1, TraceShaper.RampMultiplier(spec, 30));
        Assert.Equal(2, TraceShaper.RampMultiplier(spec, 35), 9);
        Assert.Equal(3, TraceShaper.RampMultiplier(spec, 40), 9);
        Assert.Equal(3, TraceShaper.RampMultiplier(spec, 44.9), 9);
        Assert.Equal(2, TraceShaper.RampMultiplier(spec, 50), 9);
        Assert.Equal(1, TraceShaper.RampMultiplier(spec, 55), 9);
        Assert.Equal(1, TraceShaper.RampMultiplier(spec, 59));
    }

    [Fact]
    public void Shape_RampOnMeasuredDayOnly_UnlessEveryDay()
    {
        var once = TraceShaper.Shape(Series(2, _ => 10), Spec(warmupDays: 1));
        var daily = TraceShaper.Shape(Series(2, _ => 10), Spec(warmupDays: 1) with { RampEveryDay = true });
        var holdStep = 420; // 42 s into a day: inside the hold

        Assert.Equal(0.5, once.Cores[holdStep], 9);
        Assert.Equal(1.5, once.Cores[600 + holdStep], 9);
        Assert.Equal(1.5, daily.Cores[holdStep], 9);
        Assert.Equal(1.5, daily.Cores[600 + holdStep], 9);
        Assert.Equal(1.5, once.MeasuredPeakCores(), 9);
    }

    [Fact]
    public void Shape_SeriesShorterThanTheDays_ThrowsNamingStart()
    {
        var error = Assert.Throws<ArgumentException>(() => TraceShaper.Shape(Series(1, _ => 10), Spec(warmupDays: 2)));

        Assert.StartsWith("--start:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shape_RampLongerThanTheDay_ThrowsNamingTheRampOptions()
    {
        var error = Assert.Throws<ArgumentException>(() => TraceShaper.Shape(Series(1, _ => 10), Spec() with { RampHold = 100 }));

        Assert.StartsWith("--ramp-rise/--ramp-hold/--ramp-fall:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shape_NabDailySeries_DayShapeKeptAndDaysRepeat()
    {
        using var reader = new StreamReader(Path.Combine(AppContext.BaseDirectory, "nab", "art_daily_small_noise.csv"));
        var points = NabCsv.Read(reader, "art_daily_small_noise.csv");
        var spec = new TraceSpec { Start = new DateTime(2014, 4, 2, 0, 0, 0, DateTimeKind.Utc), WarmupDays = 2, DaySeconds = 30, PeakCores = 0.5, RampFactor = 1, RampRise = 0, RampHold = 0, RampFall = 0 };

        var trace = TraceShaper.Shape(points, spec);

        // A clean daily cycle: each day's demand follows the previous day's within the noise.
        var perDay = trace.StepsPerDay;
        var differences = Enumerable.Range(0, perDay).Select(i => Math.Abs(trace.Cores[(2 * perDay) + i] - trace.Cores[perDay + i])).ToArray();
        var range = trace.Cores.Max() - trace.Cores.Min();
        Assert.True(range > 0.3, $"range {range}");
        Assert.True(differences.Average() < 0.1 * range, $"mean day-to-day difference {differences.Average()} of range {range}");
    }

    [Fact]
    public void NabCsvRead_MalformedLine_ThrowsWithItsNumber()
    {
        var error = Assert.Throws<FormatException>(() => NabCsv.Read(new StringReader("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,x\n"), "s.csv"));

        Assert.Equal("s.csv: line 3 is not 'timestamp,value': '2014-04-01 00:05:00,x'", error.Message);
    }

    [Fact]
    public void NabCsvRead_TimeGoingBack_Throws()
    {
        var error = Assert.Throws<FormatException>(() => NabCsv.Read(new StringReader("timestamp,value\n2014-04-01 00:05:00,1\n2014-04-01 00:00:00,2\n"), "s.csv"));

        Assert.StartsWith("s.csv: line 3: timestamp", error.Message, StringComparison.Ordinal);
    }
}
