using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Features.Schema;

namespace ShadowAgent.Features.Windowing;

/// <summary>
/// The open panes of one tap connection. The parse loop owns it between <see cref="BeginBatch"/> and
/// <see cref="EndBatch"/>: the gate is taken and the clock read once per batch, never per record. With arrival
/// time a whole batch counts in the pane its <see cref="BeginBatch"/> fell in; with event time each parsed
/// record goes to the pane of its own time while that pane is open, and is counted as late otherwise.
/// <see cref="OnDropped"/> comes from the socket reader concurrently and only touches interlocked counters.
/// </summary>
internal sealed class ConnectionAccumulator : IRecordSink
{
    private readonly StreamWindows _owner;
    private readonly ShadowSettings _settings;
    private readonly IRecordShapes? _shapes;
    private readonly KeyLabelCache? _labels;
    private readonly List<(long Pane, PaneState State)> _eventPanes = [];
    private readonly double[] _secondSums;
    private readonly long[] _secondCounts;
    private BatchGate _gate;
    private long _pane;
    private long _firstOpen;
    private PaneState? _current;
    private ulong _random;
    private long _second = long.MinValue;
    private long _secondRecords;
    private long _droppedRecords;
    private long _droppedBytes;

    public ConnectionAccumulator(StreamWindows owner, ShadowSettings settings, IRecordShapes? shapes, long pane)
    {
        _owner = owner;
        _settings = settings;
        _shapes = shapes;
        _pane = pane;
        _firstOpen = pane;
        _labels = settings.KeyFields.Length > 0 ? new KeyLabelCache(settings.KeyFields.Length, settings.ItemsLgMaxMapSize, IsCounted) : null;
        _secondSums = new double[settings.SpectralFields.Length];
        _secondCounts = new long[settings.SpectralFields.Length];

        // Each connection draws its own random sample; the seed only has to differ between connections.
        _random = owner.NextSamplingSeed();
    }

    private PaneState Current => _current ??= new PaneState(_settings);

    public void BeginBatch()
    {
        _gate.Enter();
        var now = _owner.NowUnixMs();
        _firstOpen = _owner.FirstOpenPane;
        var pane = Math.Max(_owner.PaneOf(now), _firstOpen);
        if (pane != _pane)
        {
            // The previous pane's counts go to the stream so it can close without this connection.
            FlushArrival();
            _pane = pane;
        }

        var second = Math.DivRem(now, 1000, out var rem) - (rem < 0 ? 1 : 0);
        if (second != _second)
        {
            FlushSecond();
            _second = second;
        }
    }

    public void OnRecord(in RecordView record)
    {
        _secondRecords++;
        PaneState target;
        if (record.EventTime == EventTimeState.NotConfigured)
        {
            target = Current;
        }
        else if (record.EventTime == EventTimeState.Present)
        {
            var hop = _settings.HopMs;
            var ms = record.EventTimeUnixMs;
            var pane = (ms / hop) - (ms % hop < 0 ? 1 : 0);
            if (pane == _pane)
            {
                target = Current;
            }
            else if (pane < _firstOpen)
            {
                // Its pane is closed: counted where it arrived, shadowed nowhere.
                var current = Current;
                current.Volume.Parsed++;
                current.Volume.Bytes += record.Bytes;
                current.Volume.LateRecords++;
                current.Dirty = true;
                return;
            }
            else if (pane > _pane + 1)
            {
                target = Current;
                target.Volume.FutureEventTime++;
            }
            else
            {
                target = EventPane(pane);
            }
        }
        else
        {
            target = Current;
            target.Volume.MissingEventTime++;
        }

        target.Volume.Parsed++;
        target.Volume.Bytes += record.Bytes;
        target.Dirty = true;
        if (!IsSampled(record))
        {
            return;
        }

        target.Shadow(record, _labels);
        var fields = _settings.SpectralFields;
        for (var f = 0; f < fields.Length; f++)
        {
            var i = fields[f];
            var bit = 1UL << i;
            if ((record.NumbersPresent & bit) != 0 && (record.NumbersNotNumeric & bit) == 0)
            {
                _secondSums[f] += record.Numbers[i];
                _secondCounts[f]++;
            }
        }
    }

    public void OnError(RecordError error, int bytes)
    {
        _secondRecords++;
        var current = Current;
        current.Volume.Bytes += bytes;
        current.Dirty = true;
        switch (error)
        {
            case RecordError.InvalidUtf8:
                current.Volume.InvalidUtf8++;
                break;
            case RecordError.Oversize:
                current.Volume.Oversize++;
                break;
            default:
                current.Volume.Malformed++;
                break;
        }
    }

    public void EndBatch() => _gate.Exit();

    public void OnDropped(long records, long bytes)
    {
        Interlocked.Add(ref _droppedRecords, records);
        Interlocked.Add(ref _droppedBytes, bytes);
    }

    /// <summary>
    /// Moves everything counted for panes up to <paramref name="through"/> into the stream's slots, and the
    /// per-second counts so far into its series. Drops are not timed per record; they count in the pane being
    /// closed when they are harvested.
    /// </summary>
    internal void Harvest(long through)
    {
        _gate.Enter();
        try
        {
            if (_pane <= through)
            {
                FlushArrival();
            }

            for (var i = _eventPanes.Count - 1; i >= 0; i--)
            {
                var (pane, state) = _eventPanes[i];
                if (pane <= through)
                {
                    Hand(pane, state);
                    _eventPanes.RemoveAt(i);
                }
            }

            FlushSecond();
            HarvestDropped(through);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>The connection is gone: hand over whatever it still holds, whatever its pane.</summary>
    internal void HarvestAll()
    {
        _gate.Enter();
        try
        {
            FlushArrival();
            foreach (var (pane, state) in _eventPanes)
            {
                Hand(pane, state);
            }

            _eventPanes.Clear();
            FlushSecond();
            HarvestDropped(_pane);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private bool IsSampled(in RecordView record)
    {
        switch (_settings.SamplingMode)
        {
            case SamplingKind.All:
                return true;
            case SamplingKind.Hash:
                var key = _settings.SamplingKeyIndex;
                if ((record.KeysPresent & (1UL << key)) != 0)
                {
                    // Mixed so the decision is independent of the hash bits HLL and the frequent items use.
                    return Mix(record.KeyHashes[key].H1) < _settings.SamplingThreshold;
                }

                // Records without the key are sampled at random at the same rate, so volume estimates still scale.
                return NextRandom() < _settings.SamplingThreshold;
            default:
                return NextRandom() < _settings.SamplingThreshold;
        }
    }

    private ulong NextRandom()
    {
        // xorshift64*: fast, and plenty for sampling decisions.
        var x = _random;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        _random = x;
        return x * 0x2545F4914F6CDD1DUL;
    }

    // SplitMix64's finalizer over the hash with a constant of its own.
    private static ulong Mix(ulong h) => SplitMix64.Mix(h ^ 0x9E3779B97F4A7C15UL);

    private PaneState EventPane(long pane)
    {
        foreach (var (p, state) in _eventPanes)
        {
            if (p == pane)
            {
                return state;
            }
        }

        var created = new PaneState(_settings);
        _eventPanes.Add((pane, created));
        return created;
    }

    private void FlushArrival()
    {
        if (_shapes is not null && _shapes.Records > 0)
        {
            Current.Schema = SchemaSnapshots.From(_shapes);
            Current.Dirty = true;
            _shapes.Reset();
        }

        if (_current is { Dirty: true } current)
        {
            Hand(_pane, current);
            _current = null;
        }
    }

    /// <summary>A pane goes to the stream, with the texts of its frequent key values.</summary>
    private void Hand(long pane, PaneState state)
    {
        if (_labels is not null)
        {
            state.TakeLabels(_labels, _settings.LabelsPerPane);
        }

        _owner.Deposit(pane, state);
    }

    /// <summary>Whether a pane this connection still fills counts the item (the label cache keeps its text then).</summary>
    private bool IsCounted(int key, long item)
    {
        if (_current?.Items[key] is { } items && items.LowerBound(item) > 0)
        {
            return true;
        }

        foreach (var (_, state) in _eventPanes)
        {
            if (state.Items[key] is { } pending && pending.LowerBound(item) > 0)
            {
                return true;
            }
        }

        return false;
    }

    private void FlushSecond()
    {
        if (_secondRecords == 0 && _secondCounts.AsSpan().IndexOfAnyExcept(0L) < 0)
        {
            return;
        }

        _owner.Seconds.Add(_second, _secondRecords, _secondSums, _secondCounts);
        _secondRecords = 0;
        Array.Clear(_secondSums);
        Array.Clear(_secondCounts);
    }

    private void HarvestDropped(long pane)
    {
        var records = Interlocked.Exchange(ref _droppedRecords, 0);
        var bytes = Interlocked.Exchange(ref _droppedBytes, 0);
        if (records != 0 || bytes != 0)
        {
            _owner.Deposit(pane, new VolumeCounters { DroppedRecords = records, DroppedBytes = bytes, Bytes = bytes });
        }
    }
}

/// <summary>Turns a connection's recorded shapes into a schema snapshot.</summary>
internal static class SchemaSnapshots
{
    public static SchemaSnapshot From(IRecordShapes shapes)
    {
        var fields = new List<SchemaField>(shapes.FieldCount);
        for (var i = 0; i < shapes.FieldCount; i++)
        {
            var f = shapes.Field(i);
            if (f.Records > 0)
            {
                fields.Add(new SchemaField(f.PathHash, f.Path, f.Types, f.Records));
            }
        }

        return SchemaSnapshot.Create(shapes.Records, shapes.FieldsOverLimit, fields);
    }
}
