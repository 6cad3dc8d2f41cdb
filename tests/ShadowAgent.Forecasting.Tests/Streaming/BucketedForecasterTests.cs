using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Forecasting.Tests.Streaming;

public sealed class BucketedForecasterTests
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    // 2025-01-01T00:00Z, a multiple of every bucket length used here.
    private const long T0 = 1_735_689_600_000;

    [Fact]
    public void Observe_TenSecondWindowsOfADailyCycle_FindsTheDayAndForecastsTheNextHour()
    {
        // Four days of 10-second windows (34,560 of them): the day is 8,640 windows, past any period the forecaster
        // looks for; in 5-minute buckets it is 288.
        var random = new Random(71);
        var forecaster = new BucketedForecaster(FiveMinutes, TenSeconds, sum: true);
        const int windowsPerDay = 8_640;
        double Rate(long w) => 100 + (60 * Math.Sin(2 * Math.PI * w / windowsPerDay));
        long w = 0;
        for (; w < 4 * windowsPerDay; w++)
        {
            forecaster.Observe(T0 + ((w + 1) * 10_000), Poisson(random, Rate(w)));
        }

        // The last value completes bucket 1151, so buckets 0..1151 are closed.
        Assert.Equal(1_152, forecaster.Forecaster.Observed);
        // The day within 1.5%: the detector settles on the integer period whose harmonics carry the most power.
        Assert.InRange(forecaster.Forecaster.Period, 284, 292);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + (1_151 * 300_000)), forecaster.LastBucketStart);

        // Bucket 1152 onwards: 30 windows each, so the truth is the sum of their rates.
        var points = forecaster.Forecast(12, 0.95);
        for (var h = 0; h < 12; h++)
        {
            double truth = 0;
            for (var k = 0; k < 30; k++)
            {
                truth += Rate(((1_152 + h) * 30) + k);
            }

            Assert.True(points[h].Lower <= truth && truth <= points[h].Upper, $"bucket +{h + 1}: {truth:F0} outside [{points[h].Lower:F0}, {points[h].Upper:F0}] ({forecaster.Forecaster.ModelName})");
            Assert.InRange(points[h].Value, truth * 0.95, truth * 1.05);
        }
    }

    [Fact]
    public void Observe_WholeBuckets_SameSeriesAndForecastAsTheCoarseSeriesItself()
    {
        // Whole numbers, so thirty window counts add up to the bucket's value exactly.
        var coarse = Simulated.Seasonal(600, 48, 3000, 0, 900, 60, 72).Select(v => Math.Round(v)).ToArray();
        var bucketed = new BucketedForecaster(FiveMinutes, TenSeconds, sum: true);
        var direct = new StreamingForecaster();
        var random = new Random(73);
        for (var b = 0; b < coarse.Length; b++)
        {
            // Thirty windows whose counts add up to the bucket's value.
            var left = coarse[b];
            for (var k = 0; k < 30; k++)
            {
                var share = k == 29 ? left : Math.Floor(coarse[b] / 30 * (0.5 + random.NextDouble()));
                left -= share;
                bucketed.Observe(T0 + (((b * 30) + k + 1) * 10_000L), share);
            }

            direct.Observe(coarse[b]);
        }

        Assert.Equal(coarse.Length, bucketed.Forecaster.Observed);
        Assert.Equal(direct.Observed, bucketed.Forecaster.Observed);
        Assert.Equal(direct.ModelName, bucketed.Forecaster.ModelName);
        var a = direct.Forecast(6, 0.9);
        var c = bucketed.Forecast(6, 0.9);
        for (var h = 0; h < 6; h++)
        {
            Assert.Equal(a[h].Value, c[h].Value, 6);
            Assert.Equal(a[h].Upper, c[h].Upper, 6);
        }
    }

    [Fact]
    public void Observe_StartMidBucket_ScalesAFirstBucketSeenHalfAndSkipsOneSeenLess()
    {
        var forecaster = new BucketedForecaster(FiveMinutes, TenSeconds, sum: true);

        // Bucket 0: the last 10 of its 30 windows (a third): missing. Bucket 1: all 30. Bucket 2: its first 20, then
        // bucket 3 opens: 20 of 30 counts, scaled to 30.
        long End(long window) => T0 + ((window + 1) * 10_000);
        for (var w = 20; w < 80; w++)
        {
            forecaster.Observe(End(w), 7);
        }

        Assert.True(forecaster.Observe(End(90), 7));
        Assert.Equal(2, forecaster.Forecaster.Observed);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 600_000), forecaster.LastBucketStart);
        var next = forecaster.Forecast(1, 0.95)[0];
        Assert.Equal(210, next.Value, 9);
    }

    [Fact]
    public void Observe_ShortGap_FilledWithTheForecastKeepingThePhase_LongGapStartsAnew()
    {
        var forecaster = new BucketedForecaster(FiveMinutes, TenSeconds, sum: true, maxGapBuckets: 4);
        long bucket = 0;
        void Feed(long b)
        {
            for (var k = 0; k < 30; k++)
            {
                forecaster.Observe(T0 + (b * 300_000) + ((k + 1) * 10_000), 10);
            }
        }

        for (; bucket < 20; bucket++)
        {
            Feed(bucket);
        }

        // Buckets 20..22 are missing (the agent was down 15 minutes).
        Feed(23);
        Feed(24);
        Assert.Equal(0, forecaster.Restarts);
        Assert.Equal(3, forecaster.Imputed);
        Assert.Equal(20 + 3 + 2, forecaster.Forecaster.Observed);

        // Ten missing buckets, over the limit of 4: the history starts again from bucket 35.
        Feed(35);
        Feed(36);
        Assert.Equal(1, forecaster.Restarts);
        Assert.Equal(2, forecaster.Forecaster.Observed);
    }

    [Fact]
    public void Observe_OlderThanTheOpenBucket_Ignored()
    {
        var forecaster = new BucketedForecaster(FiveMinutes, TenSeconds, sum: true);
        for (var k = 0; k < 30; k++)
        {
            forecaster.Observe(T0 + 300_000 + ((k + 1) * 10_000), 1);
        }

        // Bucket 1 closed with its 30th value: a value of bucket 0, or another of bucket 1, changes nothing.
        Assert.False(forecaster.Observe(T0 + 10_000, 1_000_000));
        Assert.False(forecaster.Observe(T0 + 310_000, 1_000_000));
        Assert.Equal(1, forecaster.Forecaster.Observed);
        Assert.Equal(30, forecaster.Forecast(1, 0.95)[0].Value, 9);
    }

    [Fact]
    public void Observe_Mean_AveragesTheValuesOfABucket()
    {
        var forecaster = new BucketedForecaster(FiveMinutes, TenSeconds, sum: false);
        for (var k = 0; k < 30; k++)
        {
            forecaster.Observe(T0 + ((k + 1) * 10_000), k % 2 == 0 ? 1.0 : 3.0);
        }

        Assert.Equal(2.0, forecaster.Forecast(1, 0.95)[0].Value, 9);
    }

    [Fact]
    public void Observe_HopNotDividingTheBucket_ConstantRateGivesEqualBuckets()
    {
        // 8-second windows: 37.5 a bucket, so buckets hold 37 or 38 of them (bucket 0 37, bucket 19 38); scaled to 37.5 each.
        var forecaster = new BucketedForecaster(FiveMinutes, TimeSpan.FromSeconds(8), sum: true);
        for (var w = 0; w < 75 * 10; w++)
        {
            forecaster.Observe(T0 + ((w + 1) * 8_000L), 4);
        }

        Assert.Equal(20, forecaster.Forecaster.Observed);
        Assert.Equal(150, forecaster.Forecast(1, 0.95)[0].Value, 9);
    }

    [Fact]
    public void Constructor_StepNotLongerThanTheInput_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BucketedForecaster(TenSeconds, TenSeconds, sum: true));
    }

    private static double Poisson(Random random, double mean)
    {
        // Normal approximation, fine at these means.
        return Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * Simulated.Normal(random))));
    }
}
