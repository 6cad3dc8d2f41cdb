using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Tests.Windowing.Support;
using static ShadowAgent.Features.Tests.Windowing.Support.Shadow;

namespace ShadowAgent.Features.Tests.Windowing;

/// <summary>Event time on 'ts' with 2 s of allowed lateness, tumbling windows of 10 s.</summary>
public sealed class EventTimeTests
{
    private static readonly TimeSpan W = TimeSpan.FromSeconds(10);

    private static StreamOptions Options(TimeSpan? hop = null) => new()
    {
        Name = "s",
        Window = W,
        Hop = hop,
        KeyFields = ["user"],
        NumericFields = ["v"],
        EventTime = { Field = "ts", AllowedLateness = TimeSpan.FromSeconds(2) },
    };

    private static DateTimeOffset At(double seconds) => T0 + TimeSpan.FromSeconds(seconds);

    [Fact]
    public void OnRecord_EventTime_RoutesOnTimeLateMissingAndFutureRecordsExactly()
    {
        var (windows, time) = Start(Options(), At(1));
        Assert.Equal(TimeSpan.FromSeconds(2), windows.Lateness);
        var sink = windows.Open();
        var w = new RecordWriter(1, 1, eventTime: true);

        // At 1 s (window 0): five on time, two without a time, one far in the future, one dated in the next window.
        Batch(sink, () =>
        {
            for (var i = 0; i < 5; i++)
            {
                w.Key(0, "on-time-" + i).Number(0, 1).At(At(0.5 + i)).Send(sink, 10);
            }

            w.Key(0, "missing-0").Number(0, 2).Send(sink, 10);
            w.Key(0, "missing-1").Number(0, 2).Send(sink, 10);
            w.Key(0, "future").Number(0, 3).At(At(25)).Send(sink, 10);
            w.Key(0, "next").Number(0, 4).At(At(12)).Send(sink, 10);
        });

        // At 10.5 s the clock is in window 1, but window 0 still takes records dated in it for 2 s.
        time.Set(At(10.5));
        Assert.Empty(windows.CloseDue(time.GetUtcNow()));
        Batch(sink, () =>
        {
            for (var i = 0; i < 3; i++)
            {
                w.Key(0, "delayed-" + i).Number(0, 1000).At(At(9)).Send(sink, 20);
            }

            for (var i = 0; i < 4; i++)
            {
                w.Key(0, "window-1-" + i).Number(0, 5).At(At(10.6)).Send(sink, 20);
            }
        });

        time.Set(At(11.999));
        Assert.Empty(windows.CloseDue(time.GetUtcNow()));
        time.Set(At(12));
        var first = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(T0, first.WindowStart);
        Assert.Equal(5 + 2 + 1 + 3, first.Volume.Parsed);
        Assert.Equal((8 * 10) + (3 * 20), first.Volume.Bytes);
        Assert.Equal(0, first.Volume.LateRecords);
        Assert.Equal(2, first.Volume.MissingEventTime);
        Assert.Equal(1, first.Volume.FutureEventTime);
        Assert.Equal(11, first.Volume.Sampled);
        Assert.Equal(11, first.Numeric[0].Count);
        Assert.Equal(1000, first.Numeric[0].Max);
        Assert.Equal((5 * 1) + (2 * 2) + 3 + (3 * 1000), first.Numeric[0].Sum);
        Assert.Equal(11, first.Keys[0].Present);
        Assert.Equal(11, Math.Round(first.Keys[0].Distinct));

        // Window 0 is closed: records dated in it are late, counted where they arrive and shadowed nowhere.
        Batch(sink, () =>
        {
            w.Key(0, "late-0").Number(0, -1).At(At(3)).Send(sink, 30);
            w.Key(0, "late-1").Number(0, -1).At(At(9.999)).Send(sink, 30);
            w.Key(0, "window-1-4").Number(0, 6).At(At(11)).Send(sink, 30);
            w.Key(0, "missing-2").Number(0, 7).Send(sink, 30);
        });
        sink.BeginBatch();
        sink.OnError(RecordError.Malformed, 9);
        sink.EndBatch();

        time.Set(At(22));
        var second = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(T0 + W, second.WindowStart);
        Assert.Equal(1 + 4 + 2 + 1 + 1, second.Volume.Parsed);
        Assert.Equal(10, second.Volume.Records);
        Assert.Equal(1, second.Volume.Malformed);
        Assert.Equal(10 + (4 * 20) + (4 * 30) + 9, second.Volume.Bytes);
        Assert.Equal(2, second.Volume.LateRecords);
        Assert.Equal(1, second.Volume.MissingEventTime);
        Assert.Equal(0, second.Volume.FutureEventTime);
        Assert.Equal(7, second.Volume.Sampled);
        Assert.Equal(7, second.Numeric[0].Count);
        Assert.Equal(4, second.Numeric[0].Min);
        Assert.Equal(4 + (4 * 5) + 6 + 7, second.Numeric[0].Sum);
        Assert.Equal(7, second.Keys[0].Present);
        Assert.Equal(7, Math.Round(second.Keys[0].Distinct));
        Assert.DoesNotContain(second.Keys[0].Top, h => h.Value.StartsWith("late", StringComparison.Ordinal));

        // Every parsed record counted exactly once.
        Assert.Equal(5 + 2 + 1 + 1 + 3 + 4 + 4, first.Volume.Parsed + second.Volume.Parsed);
    }

    [Fact]
    public void CloseDue_EventTime_ClosesEachWindowAtItsEndPlusLatenessWithEveryRecordDatedInIt()
    {
        var (windows, time) = Start(Options());
        var sink = windows.Open();
        var w = new RecordWriter(0, 0, eventTime: true);
        var closed = new List<(DateTimeOffset At, WindowProfile Profile)>();
        for (var ms = 0; ms < 40_000; ms += 250)
        {
            time.Set(T0 + TimeSpan.FromMilliseconds(ms));
            closed.AddRange(windows.CloseDue(time.GetUtcNow()).Select(p => (time.GetUtcNow(), p)));

            // Each record dated 1.5 s before it arrives: within the lateness, except before the stream began.
            Batch(sink, () => w.At(T0 + TimeSpan.FromMilliseconds(ms - 1500)).Send(sink));
        }

        time.Set(At(42));
        closed.AddRange(windows.CloseDue(time.GetUtcNow()).Select(p => (time.GetUtcNow(), p)));

        Assert.Equal(4, closed.Count);
        for (var k = 0; k < closed.Count; k++)
        {
            Assert.Equal(T0 + (k * W), closed[k].Profile.WindowStart);
            Assert.Equal(closed[k].Profile.WindowEnd + TimeSpan.FromSeconds(2), closed[k].At);
        }

        // 160 records dated -1.5 s to 38.25 s: the six dated before the first window are late in it.
        Assert.Equal([6L, 0L, 0L, 0L], closed.Select(c => c.Profile.Volume.LateRecords));
        Assert.Equal([40L, 40L, 40L, 34L], closed.Select(c => c.Profile.Volume.Parsed - c.Profile.Volume.LateRecords));
        Assert.Equal([40L, 40L, 40L, 34L], closed.Select(c => c.Profile.Volume.Sampled));
    }

    [Fact]
    public void OnRecord_EventTimeWithHops_LateWithinLatenessGoesToItsHopAndBeyondTheNextHopIsFuture()
    {
        var (windows, time) = Start(Options(TimeSpan.FromSeconds(2)), At(0));
        var sink = windows.Open();
        var w = new RecordWriter(0, 1, eventTime: true);

        // At 2.5 s (hop 1): dated in hop 0 (open until 4 s), hop 1, hop 2 (next) and hop 3 (future).
        time.Set(At(2.5));
        Batch(sink, () =>
        {
            w.Number(0, 0).At(At(1)).Send(sink);
            w.Number(0, 1).At(At(2.1)).Send(sink);
            w.Number(0, 2).At(At(5)).Send(sink);
            w.Number(0, 3).At(At(6.5)).Send(sink);
        });
        time.Set(At(8));
        var profiles = windows.CloseDue(time.GetUtcNow());

        Assert.Equal(3, profiles.Count);
        Assert.Equal([T0 + TimeSpan.FromSeconds(2), T0 + TimeSpan.FromSeconds(4), T0 + TimeSpan.FromSeconds(6)], profiles.Select(p => p.WindowEnd));
        Assert.Equal([1L, 2L, 1L], profiles.Select(p => p.HopVolume!.Value.Parsed));
        Assert.Equal([0L, 1L, 0L], profiles.Select(p => p.HopVolume!.Value.FutureEventTime));
        Assert.Equal([1L, 3L, 4L], profiles.Select(p => p.Volume.Parsed));
        Assert.Equal([0.0, 3.0, 3.0], profiles.Select(p => p.Numeric[0].Max));
        Assert.Equal([1L, 3L, 4L], profiles.Select(p => p.Numeric[0].Count));
    }
}
