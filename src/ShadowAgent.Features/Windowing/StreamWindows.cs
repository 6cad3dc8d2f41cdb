using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Features.Windowing;

/// <summary>
/// The windows of one stream. Time is cut into panes of one hop, aligned to multiples of the hop since the
/// Unix epoch (pane = floor(unixMs / hop)) so they line up across hosts; a window is the last
/// Window / Hop panes (one pane for tumbling windows) and is emitted when its last pane closes. Each tap
/// connection counts into its own <see cref="ConnectionAccumulator"/>; closing a pane harvests them all and
/// merges what they hold. Every pane yields a profile, including idle ones (zero counts), so the aggregator
/// sees "zero" rather than "missing".
/// </summary>
/// <remarks>
/// With arrival time, attribution is per batch: a batch whose <c>BeginBatch</c> ran in pane k counts in
/// pane k, even if its last record is parsed after the boundary. With event time a pane closes once the clock
/// passes its end plus the allowed lateness; records dated in a closed pane count as late in the pane they
/// arrived in. Drops are reported by the socket reader without a time and count in the pane being closed when
/// they are harvested. <see cref="VolumeCounters.Bytes"/> includes dropped bytes, as
/// <see cref="VolumeCounters.Records"/> includes dropped records.
/// </remarks>
public sealed class StreamWindows : IRecordSinkFactory
{
    /// <summary>After a long stall (suspended host, clock jump), at most this many idle panes are emitted.</summary>
    internal const int MaxIdleWindowsPerClose = 1000;

    private readonly TimeProvider _time;
    private readonly ShadowSettings _settings;
    private readonly WindowBuilder _builder;
    private readonly DateTimeOffset _startedAt;
    private readonly long _startPane;
    private readonly Lock _closeLock = new();
    private readonly Lock _slotsLock = new();
    private readonly Dictionary<long, PaneState> _slots = [];
    private readonly List<ConnectionAccumulator> _live = [];
    private readonly Queue<(long Pane, PaneState State)> _recent = new();
    private long _closedThrough;
    private long _firstOpen;
    private long _connectionsOpened;

    public StreamWindows(StreamOptions stream, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(stream.Window.TotalMilliseconds, 1, nameof(stream));
        _settings = new ShadowSettings(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.HopMs, 1, nameof(stream));
        Stream = stream.Name;
        _time = time;
        _startedAt = time.GetUtcNow();
        _startPane = PaneOf(_startedAt.ToUnixTimeMilliseconds());
        _closedThrough = _startPane - 1;
        _firstOpen = _startPane;
        Seconds = new SecondSeries(Math.Max(_settings.SpectralMaxLength, 64), _settings.SpectralFields.Length);
        _builder = new WindowBuilder(_settings, Seconds, _startedAt);
    }

    public string Stream { get; }

    /// <summary>The window length.</summary>
    public TimeSpan Window => TimeSpan.FromMilliseconds(_settings.WindowMs);

    /// <summary>The time between two profiles: the window for tumbling windows.</summary>
    public TimeSpan Hop => TimeSpan.FromMilliseconds(_settings.HopMs);

    /// <summary>How long after a pane's end it closes (event time's allowed lateness; zero for arrival time).</summary>
    public TimeSpan Lateness => TimeSpan.FromMilliseconds(_settings.LatenessMs);

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

    internal SecondSeries Seconds { get; }

    /// <summary>The oldest pane still open: records dated before it are late.</summary>
    internal long FirstOpenPane => Volatile.Read(ref _firstOpen);

    public long IndexOf(DateTimeOffset time) => PaneOf(time.ToUnixTimeMilliseconds());

    public DateTimeOffset StartOf(long paneIndex) => DateTimeOffset.FromUnixTimeMilliseconds(paneIndex * _settings.HopMs);

    /// <summary>When the next close is due after <paramref name="now"/>: the end of its pane plus the lateness.</summary>
    public DateTimeOffset NextBoundary(DateTimeOffset now) => StartOf(IndexOf(now - Lateness) + 1) + Lateness;

    public IRecordSink Open(IRecordShapes? shapes = null)
    {
        var accumulator = new ConnectionAccumulator(this, _settings, shapes, CurrentPane());
        lock (_live)
        {
            _live.Add(accumulator);
        }

        Deposit(CurrentPane(), new VolumeCounters { ConnectionsAccepted = 1 });
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

    public void OnConnectionRejected() => Deposit(CurrentPane(), new VolumeCounters { ConnectionsRejected = 1 });

    /// <summary>Closes every pane whose end plus the lateness has passed by <paramref name="now"/>.</summary>
    public IReadOnlyList<WindowProfile> CloseDue(DateTimeOffset now) => CloseThrough(IndexOf(now - Lateness) - 1, now, partialCurrent: false);

    /// <summary>Closes every pane up to and including <paramref name="paneIndex"/>.</summary>
    public IReadOnlyList<WindowProfile> CloseWindow(long paneIndex) => CloseThrough(paneIndex, _time.GetUtcNow(), partialCurrent: false);

    /// <summary>
    /// At shutdown: closes every pane through the current one (records dated later count in it). With
    /// <paramref name="partial"/> the current window is reported as partial, covering only up to now.
    /// </summary>
    public IReadOnlyList<WindowProfile> CloseAll(bool partial)
    {
        var now = _time.GetUtcNow();
        return CloseThrough(IndexOf(now), now, partialCurrent: partial);
    }

    /// <summary>Tests fix the random sampling's seed so their checks are deterministic; null seeds at random.</summary>
    internal ulong? SamplingSeed { get; set; }

    /// <summary>A nonzero seed for a new connection's random sampling.</summary>
    internal ulong NextSamplingSeed()
    {
        if (SamplingSeed is not { } seed)
        {
            return (ulong)Random.Shared.NextInt64() | 1;
        }

        // SplitMix64 over the fixed seed and the connection's ordinal: distinct, reproducible streams.
        return SplitMix64.Mix(seed + (0x9E3779B97F4A7C15UL * (ulong)Interlocked.Increment(ref _connectionsOpened))) | 1;
    }

    internal long NowUnixMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    internal long PaneOf(long unixMs) => Math.DivRem(unixMs, _settings.HopMs, out var rem) - (rem < 0 ? 1 : 0);

    internal long CurrentPane() => Math.Max(PaneOf(NowUnixMs()), Volatile.Read(ref _firstOpen));

    internal void Deposit(long pane, PaneState state)
    {
        lock (_slotsLock)
        {
            // A pane already emitted is never reopened: late counts go to the oldest open one.
            pane = Math.Max(pane, _closedThrough + 1);
            if (_slots.TryGetValue(pane, out var slot))
            {
                slot.Merge(state);
            }
            else
            {
                _slots.Add(pane, state);
            }
        }
    }

    internal void Deposit(long pane, in VolumeCounters volume)
    {
        var state = new PaneState(_settings) { Volume = volume, Dirty = true };
        Deposit(pane, state);
    }

    private IReadOnlyList<WindowProfile> CloseThrough(long through, DateTimeOffset now, bool partialCurrent)
    {
        lock (_closeLock)
        {
            if (through <= Volatile.Read(ref _closedThrough))
            {
                return [];
            }

            // Batches that begin from here on count in the next pane, so nothing lands in one being closed.
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
                accumulator.Harvest(partialCurrent ? long.MaxValue : through);
            }

            var taken = new SortedDictionary<long, PaneState>();
            long from;
            lock (_slotsLock)
            {
                from = _closedThrough + 1;
                foreach (var (pane, state) in _slots)
                {
                    if (pane <= through)
                    {
                        taken[pane] = state;
                    }
                    else if (partialCurrent)
                    {
                        // Shutting down: what is dated after now still counts, in the last pane.
                        if (taken.TryGetValue(through, out var last))
                        {
                            last.Merge(state);
                        }
                        else
                        {
                            taken[through] = state;
                        }
                    }
                }

                foreach (var pane in taken.Keys)
                {
                    _slots.Remove(pane);
                }

                if (partialCurrent)
                {
                    _slots.Clear();
                }

                Volatile.Write(ref _closedThrough, through);
            }

            // After a long stall only the last panes are emitted when idle; panes with counts always are.
            var firstIdle = Math.Max(from, through - MaxIdleWindowsPerClose + 1);
            var panes = new List<long>();
            foreach (var pane in taken.Keys)
            {
                if (pane < firstIdle)
                {
                    panes.Add(pane);
                }
            }

            for (var pane = firstIdle; pane <= through; pane++)
            {
                panes.Add(pane);
            }

            var profiles = new List<WindowProfile>(panes.Count);
            foreach (var pane in panes)
            {
                var state = taken.GetValueOrDefault(pane) ?? new PaneState(_settings);
                _recent.Enqueue((pane, state));
                while (_recent.Count > 0 && _recent.Peek().Pane <= pane - _settings.PanesPerWindow)
                {
                    _recent.Dequeue();
                }

                var closedEarlyAt = partialCurrent && pane == through ? now : (DateTimeOffset?)null;
                profiles.Add(_builder.Build(pane, _recent, live.Length, closedEarlyAt));
            }

            return profiles;
        }
    }
}
