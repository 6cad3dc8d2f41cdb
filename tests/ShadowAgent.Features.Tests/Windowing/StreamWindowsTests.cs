using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Windowing;

namespace ShadowAgent.Features.Tests.Windowing;

public sealed class StreamWindowsTests
{
    // 2025-01-01T00:00:00Z, a multiple of every window length used here.
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);
    private static readonly TimeSpan W = TimeSpan.FromSeconds(10);

    private static (StreamWindows Windows, ManualTimeProvider Time) Create(DateTimeOffset start, params string[] numeric)
    {
        var time = new ManualTimeProvider(start);
        var options = new StreamOptions { Name = "s", Window = W, NumericFields = [.. numeric] };
        return (new StreamWindows(options, time), time);
    }

    private static void Records(IRecordSink sink, int count, int bytes)
    {
        sink.BeginBatch();
        for (var i = 0; i < count; i++)
        {
            sink.OnRecord(new RecordView(bytes, [], 0, [], 0, 0));
        }

        sink.EndBatch();
    }

    [Fact]
    public void CloseDue_RecordsFromTwoConnections_CountsExactlyPerWindow()
    {
        var (windows, time) = Create(T0);
        var a = windows.Open();
        var b = windows.Open();
        Records(a, 3, 10);
        Records(b, 4, 20);
        time.Advance(W);
        Records(a, 5, 1);
        b.BeginBatch();
        b.OnError(RecordError.Malformed, 7);
        b.OnError(RecordError.InvalidUtf8, 8);
        b.OnError(RecordError.Oversize, 9);
        b.EndBatch();
        time.Advance(W);

        var profiles = windows.CloseDue(time.GetUtcNow());

        Assert.Equal(2, profiles.Count);
        var first = profiles[0];
        Assert.Equal(T0, first.WindowStart);
        Assert.Equal(T0 + W, first.WindowEnd);
        Assert.Equal(7, first.Volume.Parsed);
        Assert.Equal(110, first.Volume.Bytes);
        Assert.Equal(2, first.Volume.ConnectionsAccepted);
        Assert.Equal(2, first.Volume.ConnectionsOpen);
        Assert.False(first.Partial);
        Assert.Equal(W, first.Covered);
        var second = profiles[1];
        Assert.Equal(T0 + W, second.WindowStart);
        Assert.Equal(5, second.Volume.Parsed);
        Assert.Equal(1, second.Volume.Malformed);
        Assert.Equal(1, second.Volume.InvalidUtf8);
        Assert.Equal(1, second.Volume.Oversize);
        Assert.Equal(8, second.Volume.Records);
        Assert.Equal(5 + 7 + 8 + 9, second.Volume.Bytes);
        Assert.Equal(0, second.Volume.ConnectionsAccepted);
    }

    [Fact]
    public void CloseDue_BeforeBoundary_ReturnsNothingAndKeepsCounts()
    {
        var (windows, time) = Create(T0);
        var a = windows.Open();
        Records(a, 2, 1);
        time.Advance(W - TimeSpan.FromMilliseconds(1));

        Assert.Empty(windows.CloseDue(time.GetUtcNow()));

        time.Advance(TimeSpan.FromMilliseconds(1));
        var profiles = windows.CloseDue(time.GetUtcNow());
        Assert.Single(profiles);
        Assert.Equal(2, profiles[0].Volume.Parsed);
        Assert.Empty(windows.CloseDue(time.GetUtcNow()));
    }

    [Fact]
    public void CloseDue_IdleWindows_EmitZeroProfiles()
    {
        var (windows, time) = Create(T0);
        time.Advance(3 * W);

        var profiles = windows.CloseDue(time.GetUtcNow());

        Assert.Equal(3, profiles.Count);
        Assert.All(profiles, p => Assert.Equal(0, p.Volume.Records));
        Assert.Equal([T0, T0 + W, T0 + (2 * W)], profiles.Select(p => p.WindowStart));
    }

    [Fact]
    public void BeginBatch_BatchStartedBeforeBoundary_CountsInItsStartWindow()
    {
        var (windows, time) = Create(T0);
        var a = windows.Open();
        a.BeginBatch();
        a.OnRecord(new RecordView(1, [], 0, [], 0, 0));
        time.Advance(W);
        a.OnRecord(new RecordView(1, [], 0, [], 0, 0));
        a.EndBatch();
        Records(a, 1, 1);
        time.Advance(W);

        var profiles = windows.CloseDue(time.GetUtcNow());

        Assert.Equal([2L, 1L], profiles.Select(p => p.Volume.Parsed));
    }

    [Fact]
    public void Close_ConnectionLeftovers_MergedIntoNextClose()
    {
        var (windows, time) = Create(T0);
        var a = windows.Open();
        var b = windows.Open();
        Records(a, 3, 1);
        a.OnDropped(2, 20);
        windows.Close(a);
        Records(b, 1, 1);
        windows.Close(b);
        time.Advance(W);

        var profiles = windows.CloseDue(time.GetUtcNow());

        var p = Assert.Single(profiles);
        Assert.Equal(4, p.Volume.Parsed);
        Assert.Equal(2, p.Volume.DroppedRecords);
        Assert.Equal(20, p.Volume.DroppedBytes);
        Assert.Equal(6, p.Volume.Records);
        Assert.Equal(2, p.Volume.ConnectionsAccepted);
        Assert.Equal(0, p.Volume.ConnectionsOpen);
        Assert.Equal(0, windows.OpenConnections);
    }

    [Fact]
    public void OnConnectionRejected_CountsInCurrentWindow()
    {
        var (windows, time) = Create(T0);
        windows.OnConnectionRejected();
        time.Advance(W);
        windows.OnConnectionRejected();
        windows.OnConnectionRejected();
        time.Advance(W);

        var profiles = windows.CloseDue(time.GetUtcNow());

        Assert.Equal([1L, 2L], profiles.Select(p => p.Volume.ConnectionsRejected));
    }

    [Fact]
    public async Task OnDropped_ConcurrentWithBatches_TotalsExact()
    {
        var (windows, time) = Create(T0);
        var sink = windows.Open();
        const int Drops = 200_000;
        const int Batches = 2_000;
        using var start = new Barrier(2);
        var dropper = Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < Drops; i++)
            {
                sink.OnDropped(1, 3);
            }
        });
        start.SignalAndWait();
        for (var i = 0; i < Batches; i++)
        {
            Records(sink, 5, 2);
        }

        await dropper.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(W);

        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(Batches * 5L, p.Volume.Parsed);
        Assert.Equal(Drops, p.Volume.DroppedRecords);
        Assert.Equal(Drops * 3L, p.Volume.DroppedBytes);
        Assert.Equal((Batches * 10L) + (Drops * 3L), p.Volume.Bytes);
    }

    [Fact]
    public async Task CloseDue_ConcurrentWithBatchesAcrossWindows_NothingLostOrDoubled()
    {
        var (windows, time) = Create(T0);
        var sink = windows.Open();
        const int Batches = 20_000;
        var closed = new List<WindowProfile>();
        using var done = new ManualResetEventSlim();
        var closer = Task.Run(() =>
        {
            while (!done.IsSet)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
                closed.AddRange(windows.CloseDue(time.GetUtcNow()));
            }
        });
        for (var i = 0; i < Batches; i++)
        {
            Records(sink, 1, 1);
        }

        done.Set();
        await closer.WaitAsync(TimeSpan.FromSeconds(30));
        closed.AddRange(windows.CloseAll(partial: true));

        Assert.Equal(Batches, closed.Sum(p => p.Volume.Parsed));
        Assert.Equal(closed.Count, closed.Select(p => p.WindowStart).Distinct().Count());
    }

    [Fact]
    public void CloseAll_Partial_ReportsCoveredSpanAndPartial()
    {
        var (windows, time) = Create(T0);
        var a = windows.Open();
        time.Advance(W);
        Records(a, 4, 1);
        time.Advance(TimeSpan.FromSeconds(2.5));

        var profiles = windows.CloseAll(partial: true);

        Assert.Equal(2, profiles.Count);
        Assert.False(profiles[0].Partial);
        var last = profiles[1];
        Assert.True(last.Partial);
        Assert.Equal(TimeSpan.FromSeconds(2.5), last.Covered);
        Assert.Equal(4, last.Volume.Parsed);
        Assert.Equal(4 / 2.5, last.RatePerSecond, 9);
        Assert.Empty(windows.CloseAll(partial: true));
    }

    [Fact]
    public void CloseAll_AfterwardsRecords_CountInNextWindow()
    {
        var (windows, time) = Create(T0);
        var a = windows.Open();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(windows.CloseAll(partial: true));
        Records(a, 2, 1);
        time.Advance(2 * W);

        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(T0 + W, p.WindowStart);
        Assert.Equal(2, p.Volume.Parsed);
    }

    [Fact]
    public void Constructor_StartedMidWindow_FirstWindowPartialWithObservedSpan()
    {
        var (windows, time) = Create(T0 + TimeSpan.FromSeconds(4));
        time.Advance(TimeSpan.FromSeconds(6));

        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(T0, p.WindowStart);
        Assert.True(p.Partial);
        Assert.Equal(TimeSpan.FromSeconds(6), p.Covered);
    }

    [Fact]
    public void OnRecord_NumericFields_SummarizesMinMaxMeanMissingNotNumeric()
    {
        var (windows, time) = Create(T0, "latency", "size");
        var a = windows.Open();
        var b = windows.Open();
        a.BeginBatch();
        a.OnRecord(new RecordView(1, [], 0, [5.0, 100.0], 0b11, 0));
        a.OnRecord(new RecordView(1, [], 0, [-1.5, 0], 0b01, 0));
        a.EndBatch();
        b.BeginBatch();
        b.OnRecord(new RecordView(1, [], 0, [9.0, 0], 0b01, 0b10));
        b.OnRecord(new RecordView(1, [], 0, [0, 0], 0, 0));
        b.EndBatch();
        time.Advance(W);

        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(["latency", "size"], p.NumericFields);
        var latency = p.Numeric[0];
        Assert.Equal(3, latency.Count);
        Assert.Equal(-1.5, latency.Min);
        Assert.Equal(9.0, latency.Max);
        Assert.Equal(12.5 / 3, latency.Mean, 12);
        Assert.Equal(1, latency.Missing);
        Assert.Equal(0, latency.NotNumeric);
        var size = p.Numeric[1];
        Assert.Equal(1, size.Count);
        Assert.Equal(100.0, size.Min);
        Assert.Equal(100.0, size.Max);
        Assert.Equal(2, size.Missing);
        Assert.Equal(1, size.NotNumeric);
    }

    [Fact]
    public void CloseWindow_ConnectionRotatesAcrossWindows_NumericResetPerWindow()
    {
        var (windows, time) = Create(T0, "v");
        var a = windows.Open();
        a.BeginBatch();
        a.OnRecord(new RecordView(1, [], 0, [10.0], 1, 0));
        a.EndBatch();
        time.Advance(W);
        a.BeginBatch();
        a.OnRecord(new RecordView(1, [], 0, [2.0], 1, 0));
        a.EndBatch();

        var first = Assert.Single(windows.CloseWindow(windows.IndexOf(T0)));
        time.Advance(W);
        var second = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(10.0, first.Numeric[0].Max);
        Assert.Equal(1, first.Numeric[0].Count);
        Assert.Equal(2.0, second.Numeric[0].Max);
        Assert.Equal(2.0, second.Numeric[0].Min);
        Assert.Equal(1, second.Numeric[0].Count);
    }

    [Fact]
    public void CloseDue_IdleWindow_NumericSummariesEmpty()
    {
        var (windows, time) = Create(T0, "v");
        time.Advance(W);

        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(0, p.Numeric[0].Count);
        Assert.Equal(0, p.Numeric[0].Mean);
    }

    [Fact]
    public void OnRecord_SteadyStateBatches_AllocateNothing()
    {
        var (windows, _) = Create(T0, "a", "b");
        var sink = windows.Open();
        double[] numbers = [1.0, 2.0];
        void Batch()
        {
            sink.BeginBatch();
            for (var i = 0; i < 100; i++)
            {
                sink.OnRecord(new RecordView(10, [], 0, numbers, 0b11, 0));
            }

            sink.OnError(RecordError.Malformed, 5);
            sink.EndBatch();
            sink.OnDropped(1, 1);
        }

        Batch();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Batch();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
