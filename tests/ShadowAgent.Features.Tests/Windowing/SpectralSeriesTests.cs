using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Tests.Windowing.Support;
using static ShadowAgent.Features.Tests.Windowing.Support.Shadow;

namespace ShadowAgent.Features.Tests.Windowing;

/// <summary>Spectral summaries of the per-second record rate and of a numeric field's per-second mean.</summary>
public sealed class SpectralSeriesTests
{
    private static readonly TimeSpan W = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <paramref name="seconds"/> seconds, one batch per second per connection: 100 + 50·sin(2πt/60) records in
    /// second t, whose 'latency' is 20 + 5·sin(2πt/20) (period 20 s) and 'size' constant.
    /// </summary>
    private static int RecordsIn(int second) => (int)Math.Round(100 + (50 * Math.Sin(2 * Math.PI * second / 60)));

    private static double LatencyIn(int second) => 20 + (5 * Math.Sin(2 * Math.PI * second / 20));

    private static List<WindowProfile> Run(int seconds, StreamOptions options)
    {
        var (windows, time) = Start(options);
        var sinks = new[] { windows.Open(), windows.Open() };
        var w = new RecordWriter(0, 2);
        var profiles = new List<WindowProfile>();
        for (var t = 0; t < seconds; t++)
        {
            var records = RecordsIn(t);
            var latency = LatencyIn(t);
            for (var c = 0; c < sinks.Length; c++)
            {
                var sink = sinks[c];
                Batch(sink, () =>
                {
                    for (var i = c; i < records; i += sinks.Length)
                    {
                        w.Number(0, 512).Number(1, latency).Send(sink);
                    }
                });
            }

            time.Advance(TimeSpan.FromSeconds(1));
            profiles.AddRange(windows.CloseDue(time.GetUtcNow()));
        }

        return profiles;
    }

    private static StreamOptions Options() => new()
    {
        Name = "s",
        Window = W,
        NumericFields = ["size", "latency"],
        Spectral = { Fields = ["latency"] },
    };

    /// <summary>Periods one FFT bin either side of <paramref name="period"/> at <paramref name="length"/> one-second samples.</summary>
    private static (double Low, double High) OneBin(double period, int length) =>
        (length / ((length / period) + 1), length / ((length / period) - 1));

    [Fact]
    public void Build_VolumeWithSixtySecondPeriod_DominantPeakWithinOneBin()
    {
        var profiles = Run(600, Options());

        Assert.Equal(60, profiles.Count);
        var last = profiles[^1];
        var volume = last.Spectral.Single(s => s.Series == "volume");
        Assert.Equal(512, volume.Length);
        Assert.Equal(1.0, volume.IntervalSeconds);
        Assert.False(volume.Flat);
        Assert.Equal(Enumerable.Range(600 - 512, 512).Average(RecordsIn), volume.Mean, 1e-9);
        var (low, high) = OneBin(60, 512);
        Assert.InRange(volume.Peaks[0].PeriodSeconds, low, high);
        Assert.True(volume.Peaks[0].Share > 0.5, $"The 60 s peak holds only {volume.Peaks[0].Share:P0} of the energy.");
    }

    [Fact]
    public void Build_SpectralField_ReportedUnderItsNameWithItsOwnPeriod()
    {
        var profiles = Run(600, Options());

        var last = profiles[^1];
        Assert.Equal(["volume", "latency"], last.Spectral.Select(s => s.Series));
        var latency = last.Spectral[1];
        Assert.Equal(512, latency.Length);
        Assert.Equal(Enumerable.Range(600 - 512, 512).Average(LatencyIn), latency.Mean, 1e-9);
        var (low, high) = OneBin(20, 512);
        Assert.InRange(latency.Peaks[0].PeriodSeconds, low, high);
    }

    [Fact]
    public void Build_LessThan64SecondsOfHistory_NoSpectralThenLengthGrowsByPowersOfTwo()
    {
        var profiles = Run(300, Options());

        foreach (var p in profiles)
        {
            var history = (p.WindowEnd - T0).TotalSeconds;
            if (history < 64)
            {
                Assert.Empty(p.Spectral);
            }
            else
            {
                var expected = 1 << (int)Math.Floor(Math.Log2(history));
                Assert.Equal([expected, expected], p.Spectral.Select(s => s.Length));
            }
        }

        Assert.Equal(6, profiles.Count(p => p.Spectral.Count == 0));
    }

    [Fact]
    public void CloseAll_PartialWindow_SeriesEndsAtTheStopNotAtTheWindowEnd()
    {
        var options = Options();
        var (windows, time) = Start(options);
        var sink = windows.Open();
        var w = new RecordWriter(0, 2);
        var profiles = new List<WindowProfile>();

        // 95 s of a steady 100 records per second, then a stop half-way through a window.
        for (var t = 0; t < 95; t++)
        {
            Batch(sink, () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    w.Number(0, 512).Number(1, 20).Send(sink);
                }
            });
            time.Advance(TimeSpan.FromSeconds(1));
            profiles.AddRange(windows.CloseDue(time.GetUtcNow()));
        }

        var last = Assert.Single(windows.CloseAll(partial: true));

        Assert.True(last.Partial);
        Assert.Equal(TimeSpan.FromSeconds(5), last.Covered);
        var volume = last.Spectral.Single(s => s.Series == "volume");
        Assert.Equal(64, volume.Length);

        // The seconds after the stop were never observed: they are not zeros of the series.
        Assert.Equal(100, volume.Mean);
        Assert.Equal(0, volume.Variance);
        Assert.True(volume.Flat);
        Assert.Equal(profiles[^1].Spectral[0].Mean, volume.Mean);
    }

    [Fact]
    public void Build_SpectralDisabled_NoSummaries()
    {
        var options = Options();
        options.Spectral.Enabled = false;

        var profiles = Run(100, options);

        Assert.All(profiles, p => Assert.Empty(p.Spectral));
    }
}
