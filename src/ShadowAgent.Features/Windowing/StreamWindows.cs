using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Features.Windowing;

/// <summary>
/// Tumbling windows of one stream. Windows are aligned to multiples of the window length since the Unix
/// epoch (index = floor(unixMs / windowMs)) so they line up across hosts. Each tap connection counts into its
/// own <see cref="ConnectionAccumulator"/>; closing a window harvests them all and yields one
/// <see cref="WindowProfile"/> per window, including idle windows (zero counts), so the aggregator sees
/// "zero" rather than "missing".
/// </summary>
/// <remarks>
/// Attribution is per batch: a batch of records whose <c>BeginBatch</c> ran in window k counts in window k,
/// even if its last record is parsed after the boundary. Drops are reported by the socket reader without a
/// time and count in the window being closed when they are harvested. <see cref="VolumeCounters.Bytes"/>
/// includes dropped bytes, as <see cref="VolumeCounters.Records"/> includes dropped records.
/// </remarks>
public sealed class StreamWindows : IRecordSinkFactory
{
    /// <summary>After a long stall (suspended host, clock jump), at most this many idle windows are emitted.</summary>
    internal const int MaxIdleWindowsPerClose = 1000;

    private readonly TimeProvider _time;
    private readonly long _windowMs;
    private readonly string[] _numericFields;
    private readonly DateTimeOffset _startedAt;
    private readonly long _startWindow;
    private readonly Lock _closeLock = new();
    private readonly Lock _slotsLock = new();
    private readonly Dictionary<long, WindowSlot> _slots = [];
    private readonly List<ConnectionAccumulator> _live = [];
    private long _closedThrough;
    private long _firstOpen;

    public StreamWindows(StreamOptions stream, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        _windowMs = (long)stream.Window.TotalMilliseconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(_windowMs, 1, nameof(stream));
        Stream = stream.Name;
        _time = time;
        _numericFields = [.. stream.NumericFields];
        _startedAt = time.GetUtcNow();
        _startWindow = IndexOf(_startedAt);
        _closedThrough = _startWindow - 1;
        _firstOpen = _startWindow;
    }

    public string Stream { get; }

    public TimeSpan Window => TimeSpan.FromMilliseconds(_windowMs);

    internal int NumericFieldCount => _numericFields.Length;

    /// <summary>Connections open now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_live)
            {
                return _live.Count;
            }
        }
    }

    public long IndexOf(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeMilliseconds(), _windowMs, out var rem) - (rem < 0 ? 1 : 0);

    public DateTimeOffset StartOf(long windowIndex) => DateTimeOffset.FromUnixTimeMilliseconds(windowIndex * _windowMs);

    /// <summary>The end of the window <paramref name="now"/> falls in: when the next close is due.</summary>
    public DateTimeOffset NextBoundary(DateTimeOffset now) => StartOf(IndexOf(now) + 1);

    public IRecordSink Open()
    {
        var accumulator = new ConnectionAccumulator(this, CurrentWindowIndex());
        lock (_live)
        {
            _live.Add(accumulator);
        }

        Deposit(CurrentWindowIndex(), new VolumeCounters { ConnectionsAccepted = 1 }, []);
        return accumulator;
    }

    public void Close(IRecordSink sink)
    {
        if (sink is not ConnectionAccumulator accumulator)
        {
            throw new ArgumentException("The sink was not opened by this stream.", nameof(sink));
        }

        bool removed;
        lock (_live)
        {
            removed = _live.Remove(accumulator);
        }

        if (removed)
        {
            accumulator.HarvestAll();
        }
    }

    public void OnConnectionRejected() => Deposit(CurrentWindowIndex(), new VolumeCounters { ConnectionsRejected = 1 }, []);

    /// <summary>Closes every window that has ended by <paramref name="now"/>.</summary>
    public IReadOnlyList<WindowProfile> CloseDue(DateTimeOffset now) => CloseThrough(IndexOf(now) - 1, now, partialCurrent: false);

    /// <summary>Closes every window up to and including <paramref name="windowIndex"/>.</summary>
    public IReadOnlyList<WindowProfile> CloseWindow(long windowIndex) => CloseThrough(windowIndex, _time.GetUtcNow(), partialCurrent: false);

    /// <summary>
    /// At shutdown: closes every window through the current one. With <paramref name="partial"/> the current
    /// window is reported as partial, covering only its start to now; otherwise as complete.
    /// </summary>
    public IReadOnlyList<WindowProfile> CloseAll(bool partial)
    {
        var now = _time.GetUtcNow();
        return CloseThrough(IndexOf(now), now, partialCurrent: partial);
    }

    internal long CurrentWindowIndex() => Math.Max(IndexOf(_time.GetUtcNow()), Volatile.Read(ref _firstOpen));

    internal void Deposit(long window, in VolumeCounters volume, ReadOnlySpan<NumericSummary> numeric)
    {
        lock (_slotsLock)
        {
            // A window already emitted is never reopened: late counts go to the oldest open one.
            window = Math.Max(window, _closedThrough + 1);
            if (!_slots.TryGetValue(window, out var slot))
            {
                slot = new WindowSlot(_numericFields.Length);
                _slots.Add(window, slot);
            }

            slot.Merge(volume, numeric);
        }
    }

    private IReadOnlyList<WindowProfile> CloseThrough(long through, DateTimeOffset now, bool partialCurrent)
    {
        lock (_closeLock)
        {
            if (through <= Volatile.Read(ref _closedThrough))
            {
                return [];
            }

            // Batches that begin from here on count in the next window, so nothing lands in one being closed.
            if (through + 1 > Volatile.Read(ref _firstOpen))
            {
                Volatile.Write(ref _firstOpen, through + 1);
            }

            ConnectionAccumulator[] live;
            lock (_live)
            {
                live = [.. _live];
            }

            foreach (var accumulator in live)
            {
                accumulator.Harvest(through);
            }

            var taken = new List<KeyValuePair<long, WindowSlot>>();
            long from;
            lock (_slotsLock)
            {
                from = _closedThrough + 1;
                foreach (var entry in _slots)
                {
                    if (entry.Key <= through)
                    {
                        taken.Add(entry);
                    }
                }

                foreach (var entry in taken)
                {
                    _slots.Remove(entry.Key);
                }

                Volatile.Write(ref _closedThrough, through);
            }

            var firstIdle = Math.Max(from, through - MaxIdleWindowsPerClose + 1);
            var windows = new SortedDictionary<long, WindowSlot?>();
            for (var w = firstIdle; w <= through; w++)
            {
                windows[w] = null;
            }

            foreach (var entry in taken)
            {
                windows[entry.Key] = entry.Value;
            }

            var profiles = new List<WindowProfile>(windows.Count);
            foreach (var (index, slot) in windows)
            {
                profiles.Add(Build(index, slot, live.Length, partialCurrent && index == through ? now : null));
            }

            return profiles;
        }
    }

    private WindowProfile Build(long index, WindowSlot? slot, int open, DateTimeOffset? closedEarlyAt)
    {
        var start = StartOf(index);
        var end = StartOf(index + 1);
        var observedFrom = index == _startWindow && _startedAt > start ? _startedAt : start;
        var observedTo = closedEarlyAt is { } early && early < end ? early : end;
        var covered = observedTo - observedFrom;
        if (covered < TimeSpan.Zero)
        {
            covered = TimeSpan.Zero;
        }

        var volume = slot?.Volume ?? default;
        volume.ConnectionsOpen = open;
        NumericSummary[] numeric;
        if (slot is null)
        {
            numeric = new NumericSummary[_numericFields.Length];
            Array.Fill(numeric, NumericSummary.Empty);
        }
        else
        {
            numeric = slot.Numeric;
        }

        return new WindowProfile
        {
            Stream = Stream,
            WindowStart = start,
            WindowEnd = end,
            // A window the agent did not observe whole (started late or stopped early) is partial.
            Partial = covered < end - start,
            Covered = covered,
            Volume = volume,
            NumericFields = _numericFields,
            Numeric = numeric,
        };
    }
}
