using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Uplink;

/// <summary>
/// In-memory <see cref="IProfileSpool"/>. Full policy: drop the OLDEST batch and count it, so window closing
/// never waits on the network and the aggregator gets the most recent state first when the link returns.
/// </summary>
internal sealed class MemoryProfileSpool : IProfileSpool
{
    private readonly Lock _lock = new();
    private readonly LinkedList<SpooledBatch> _batches = new();
    private ulong _lastSequence;
    private long _droppedTotal;

    public MemoryProfileSpool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _batches.Count;
            }
        }
    }

    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    public ulong LastSequence
    {
        get
        {
            lock (_lock)
            {
                return _lastSequence;
            }
        }
    }

    public DateTimeOffset? OldestAppendedAt
    {
        get
        {
            lock (_lock)
            {
                return _batches.First?.Value.AppendedAt;
            }
        }
    }

    public SpooledBatch Append(IEnumerable<ShadowProfile> profiles, DateTimeOffset now, out int dropped)
    {
        lock (_lock)
        {
            var batch = new ProfileBatch { Sequence = ++_lastSequence };
            batch.Profiles.AddRange(profiles);
            var spooled = new SpooledBatch(batch.Sequence, batch, now);
            dropped = 0;
            while (_batches.Count >= Capacity)
            {
                _batches.RemoveFirst();
                dropped++;
            }

            _batches.AddLast(spooled);
            Interlocked.Add(ref _droppedTotal, dropped);
            return spooled;
        }
    }

    public int TrimThrough(ulong sequence)
    {
        lock (_lock)
        {
            var removed = 0;
            while (_batches.First is { } first && first.Value.Sequence <= sequence)
            {
                _batches.RemoveFirst();
                removed++;
            }

            return removed;
        }
    }

    public IReadOnlyList<SpooledBatch> After(ulong sequence)
    {
        lock (_lock)
        {
            var result = new List<SpooledBatch>();
            foreach (var batch in _batches)
            {
                if (batch.Sequence > sequence)
                {
                    result.Add(batch);
                }
            }

            return result;
        }
    }
}
