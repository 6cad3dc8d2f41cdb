using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;

namespace ShadowAgent.Features.Windowing;

/// <summary>
/// The current window's counters of one tap connection. The parse loop owns it between
/// <see cref="BeginBatch"/> and <see cref="EndBatch"/>: the gate is taken and the clock read once per batch,
/// never per record, so a whole batch counts in the window its <see cref="BeginBatch"/> fell in.
/// <see cref="OnDropped"/> comes from the socket reader concurrently and only touches interlocked counters.
/// </summary>
internal sealed class ConnectionAccumulator : IRecordSink
{
    private readonly StreamWindows _owner;
    private readonly NumericSummary[] _numeric;
    private BatchGate _gate;
    private long _window;
    private VolumeCounters _volume;
    private bool _dirty;
    private long _droppedRecords;
    private long _droppedBytes;

    public ConnectionAccumulator(StreamWindows owner, long window)
    {
        _owner = owner;
        _window = window;
        _numeric = new NumericSummary[owner.NumericFieldCount];
        Array.Fill(_numeric, NumericSummary.Empty);
    }

    public void BeginBatch()
    {
        _gate.Enter();
        var window = _owner.CurrentWindowIndex();
        if (window != _window)
        {
            // The previous window's counts go to the stream so that window can close without this connection.
            FlushLocked();
            _window = window;
        }
    }

    public void OnRecord(in RecordView record)
    {
        _volume.Parsed++;
        _volume.Bytes += record.Bytes;
        _dirty = true;
        var numbers = record.Numbers;
        var present = record.NumbersPresent;
        var notNumeric = record.NumbersNotNumeric;
        var numeric = _numeric;
        for (var i = 0; i < numeric.Length; i++)
        {
            var bit = 1UL << i;
            if ((notNumeric & bit) != 0)
            {
                numeric[i].NotNumeric++;
            }
            else if ((present & bit) != 0 && i < numbers.Length)
            {
                numeric[i].Add(numbers[i]);
            }
            else
            {
                numeric[i].Missing++;
            }
        }
    }

    public void OnError(RecordError error, int bytes)
    {
        _volume.Bytes += bytes;
        _dirty = true;
        switch (error)
        {
            case RecordError.InvalidUtf8:
                _volume.InvalidUtf8++;
                break;
            case RecordError.Oversize:
                _volume.Oversize++;
                break;
            default:
                _volume.Malformed++;
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
    /// Moves everything counted for windows up to <paramref name="through"/> into the stream's slots.
    /// Drops are not timed per record; they count in the window being closed when they are harvested.
    /// </summary>
    internal void Harvest(long through)
    {
        _gate.Enter();
        try
        {
            if (_window <= through)
            {
                FlushLocked();
            }

            HarvestDropped(through);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>The connection is gone: hand over whatever it still holds, whatever its window.</summary>
    internal void HarvestAll()
    {
        _gate.Enter();
        try
        {
            FlushLocked();
            HarvestDropped(_window);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void HarvestDropped(long window)
    {
        var records = Interlocked.Exchange(ref _droppedRecords, 0);
        var bytes = Interlocked.Exchange(ref _droppedBytes, 0);
        if (records != 0 || bytes != 0)
        {
            var dropped = new VolumeCounters { DroppedRecords = records, DroppedBytes = bytes, Bytes = bytes };
            _owner.Deposit(window, dropped, []);
        }
    }

    private void FlushLocked()
    {
        if (!_dirty)
        {
            return;
        }

        _owner.Deposit(_window, _volume, _numeric);
        _volume = default;
        Array.Fill(_numeric, NumericSummary.Empty);
        _dirty = false;
    }
}
