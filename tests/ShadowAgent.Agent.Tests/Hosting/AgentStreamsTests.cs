using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Agent.Uplink;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Testing;

namespace ShadowAgent.Agent.Tests.Hosting;

/// <summary>At every window close the agent scores the window and forecasts the stream's volume, in window order.</summary>
public sealed class AgentStreamsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);

    private static (AgentStreams Streams, ManualTimeProvider Time) Start(Action<StreamOptions>? configure = null)
    {
        var stream = new StreamOptions
        {
            Name = "orders",
            Tap = new TapOptions { Address = "127.0.0.1:7410" },
            NumericFields = ["latency_ms"],
            Window = TimeSpan.FromSeconds(1),
            Detection = { Warmup = 10 },
        };
        configure?.Invoke(stream);
        var time = new ManualTimeProvider(T0);
        return (new AgentStreams(new AgentOptions { Streams = [stream] }, time), time);
    }

    /// <summary>One window of <paramref name="records"/> records, then its close.</summary>
    private static List<WindowProfile> Window(AgentStreams streams, ManualTimeProvider time, int records, double latency)
    {
        var sink = streams.Streams[0].Windows.Open();
        sink.BeginBatch();
        for (var i = 0; i < records; i++)
        {
            sink.OnRecord(new RecordView(100, [], 0, [latency], 1, 0));
        }

        sink.EndBatch();
        streams.Streams[0].Windows.Close(sink);
        time.Advance(TimeSpan.FromSeconds(1));
        return streams.CloseDue(time.GetUtcNow());
    }

    [Fact]
    public void SeasonalVolume_ForecastTravelsWithIntervalsAroundWhatComes()
    {
        var (streams, time) = Start();
        WindowProfile? last = null;

        // A repeating 12-window cycle: 100, 200, ..., 1200 records, long enough for the forecaster's scheduled refit
        // (at 48 values and every 288 after) to see many cycles.
        for (var w = 0; w < 348; w++)
        {
            last = Window(streams, time, 100 * ((w % 12) + 1), 40).Last();
        }

        Assert.NotNull(last!.Forecast);
        var forecast = last.Forecast;
        Assert.Equal("records", forecast.Series);
        Assert.Equal(6, forecast.Points.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), forecast.Step);
        Assert.False(string.IsNullOrEmpty(forecast.Model));

        // The next six windows of the cycle are 100..600 (window 348 starts a cycle); the intervals hold them.
        for (var h = 0; h < 6; h++)
        {
            var (value, lower, upper) = forecast.Points[h];
            var truth = 100 * (h + 1);
            Assert.True(truth >= lower && truth <= upper, $"step {h + 1}: {truth} outside [{lower}, {upper}] (model {forecast.Model}, period {forecast.Period})");
            Assert.InRange(value, truth * 0.8, truth * 1.2);
        }

        var proto = ProfileMapper.ToProto(last);
        Assert.Equal(6, proto.Forecast.Points.Count);
        Assert.Equal(1000u, proto.Forecast.StepMs);
        Assert.Equal(forecast.Points[0].Value, proto.Forecast.Points[0].Value);
    }

    [Fact]
    public void CoarseForecast_TravelsWithTheWindowThatClosesABucket()
    {
        // 1 s windows in 30 s buckets: bucket b closes with window 30b + 29.
        var (streams, time) = Start(s =>
        {
            s.Forecast.CoarseStep = TimeSpan.FromSeconds(30);
            s.Forecast.CoarseHorizon = 4;
        });
        var carried = new List<int>();
        WindowProfile? closing = null;
        for (var w = 0; w < 30 * 14; w++)
        {
            var profile = Window(streams, time, 40 + (w % 3), 10).Last();
            if (profile.CoarseForecast is not null)
            {
                carried.Add(w);
                closing = profile;
            }
        }

        // From the twelfth bucket on (the forecaster's minimum history), once per bucket.
        Assert.Equal([359, 389, 419], carried);
        var coarse = closing!.CoarseForecast!;
        Assert.Equal("records", coarse.Series);
        Assert.Equal(TimeSpan.FromSeconds(30), coarse.Step);
        Assert.Equal(4, coarse.Points.Count);
        Assert.All(coarse.Points, p => Assert.InRange(p.Value, 30 * 40, 30 * 42));

        var proto = ProfileMapper.ToProto(closing);
        Assert.Equal(30_000u, proto.CoarseForecast.StepMs);
        Assert.Equal(4, proto.CoarseForecast.Points.Count);
        Assert.Equal(coarse.Points[3].Upper, proto.CoarseForecast.Points[3].Upper);
    }

    [Fact]
    public void CoarseForecast_StepNotLongerThanTheWindow_Off()
    {
        var (streams, time) = Start(s => s.Forecast.CoarseStep = TimeSpan.FromSeconds(1));
        for (var w = 0; w < 40; w++)
        {
            Assert.Null(Window(streams, time, 10, 10).Last().CoarseForecast);
        }
    }

    /// <summary>A host probe stream's samples are records of its window like any stream's: counted and summarized per field.</summary>
    [Fact]
    public async Task ProbeStream_HostSamples_SummarizedPerWindow()
    {
        var stream = new StreamOptions
        {
            Name = "host",
            Tap = new TapOptions { Kind = TapKinds.Probe, Probe = new ProbeOptions { Target = ProbeTargets.Host, Interval = TimeSpan.FromSeconds(1) } },
            NumericFields = [.. ProbeFields.Host],
            Window = TimeSpan.FromSeconds(10),
        };
        var time = new ManualTimeProvider(T0);
        var streams = new AgentStreams(new AgentOptions { Streams = [stream] }, time);
        var tap = (Taps.Probes.ProbeTap)Taps.TapFactory.Start(stream, streams.Streams[0].Windows, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, time);
        await using (tap)
        {
            await Eventually.Until(() => time.PendingTimers > 0, "the probe's timer is armed");
            for (var i = 1; i <= 9; i++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Eventually.Until(() => tap.Samples == i, $"{i} samples");
            }

            await tap.StopAsync(CancellationToken.None);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var profile = Assert.Single(streams.CloseDue(time.GetUtcNow()));
        Assert.Equal(9, profile.Volume.Records);
        var cpu = profile.Numeric[profile.NumericFields.ToList().IndexOf(ProbeFields.CpuUtil)];
        var mem = profile.Numeric[profile.NumericFields.ToList().IndexOf(ProbeFields.MemAvailableBytes)];
        Assert.Equal(9, mem.Count);
        Assert.InRange(cpu.Count, 1, 9);
        Assert.InRange(cpu.Max, 0, 1);
        Assert.True(mem.Min > 0);
    }

    [Fact]
    public void ForecastField_SeriesIsTheFieldsWindowMean_NotTheRecordCount()
    {
        var (streams, time) = Start(s => s.Forecast.Field = "latency_ms");
        WindowProfile? last = null;

        // Record counts swing between 10 and 1000 while the field's mean climbs by one each window.
        for (var w = 0; w < 60; w++)
        {
            last = Window(streams, time, w % 2 == 0 ? 10 : 1000, 100 + w).Last();
        }

        var forecast = last!.Forecast;
        Assert.NotNull(forecast);
        Assert.Equal("latency_ms", forecast.Series);
        Assert.InRange(forecast.Points[0].Value, 155, 165);
        Assert.Equal("latency_ms", ProfileMapper.ToProto(last).Forecast.Series);
    }

    [Fact]
    public void ForecastField_WindowsWithoutTheField_AddNoPoint()
    {
        var (streams, time) = Start(s => s.Forecast.Field = "latency_ms");
        for (var w = 0; w < AgentStreams.MinForecastHistory + 5; w++)
        {
            Assert.All(Window(streams, time, 0, 40), p => Assert.Null(p.Forecast));
        }
    }

    [Fact]
    public void FirstWindows_NoForecastUntilEnoughHistory_AndNoneWhenOff()
    {
        var (streams, time) = Start();
        for (var w = 0; w < AgentStreams.MinForecastHistory - 1; w++)
        {
            Assert.All(Window(streams, time, 100, 40), p => Assert.Null(p.Forecast));
        }

        var (off, offTime) = Start(s => s.Forecast.Enabled = false);
        for (var w = 0; w < 30; w++)
        {
            Assert.All(Window(off, offTime, 100, 40), p => Assert.Null(p.Forecast));
        }
    }

    [Fact]
    public void SteadyThenSurge_SurgeWindowScoredAsAnomaly()
    {
        var (streams, time) = Start();
        var random = new Random(11);
        for (var w = 0; w < 80; w++)
        {
            var window = Window(streams, time, 1000 + random.Next(-50, 50), 40 + random.NextDouble()).Last();
            if (w < 10)
            {
                Assert.True(window.Anomaly is null || window.Anomaly.Score < 0.5, $"window {w} scored during warm-up");
            }
        }

        var surge = Window(streams, time, 8000, 400).Last();

        Assert.NotNull(surge.Anomaly);
        Assert.True(surge.Anomaly.Severity >= 2, $"severity {surge.Anomaly.Severity}, score {surge.Anomaly.Score}");
        Assert.Equal(surge.Anomaly.Score, ProfileMapper.ToProto(surge).Anomaly.Score);
    }
}
