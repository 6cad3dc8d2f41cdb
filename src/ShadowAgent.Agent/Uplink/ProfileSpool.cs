using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Uplink;

/// <summary>
/// The outbox of profile batches, bounded in batches and in bytes. Full policy: drop the OLDEST batch and
/// count it, so window closing never waits on the network and the aggregator gets the most recent state
/// first when the link returns. With an <see cref="ISpoolStore"/> every batch is also on disk until it is
/// acknowledged, and survives a restart of the agent.
/// </summary>
internal sealed class ProfileSpool : IProfileSpool
{
    private readonly Lock _lock = new();
    private readonly LinkedList<SpooledBatch> _batches = new();
    private readonly ISpoolStore? _store;
    private ulong _lastSequence;
    private long _bytes;
    private long _droppedTotal;

    public ProfileSpool(int capacity, long maxBytes = long.MaxValue, ISpoolStore? store = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        MaxBytes = maxBytes;
        _store = store;
        SessionEpoch = store?.Epoch ?? BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
        foreach (var batch in store?.Recovered ?? [])
        {
            _batches.AddLast(batch);
            _bytes += batch.Batch.CalculateSize();
            _lastSequence = batch.Sequence;
        }
    }

    public int Capacity { get; }

    public long MaxBytes { get; }

    public ulong SessionEpoch { get; }

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
            var size = batch.CalculateSize();
            dropped = 0;
            while (_batches.First is { } oldest && (_batches.Count >= Capacity || _bytes + size > MaxBytes))
            {
                Remove(oldest);
                dropped++;
            }

            _store?.Write(spooled);
            _batches.AddLast(spooled);
            _bytes += size;
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
                Remove(first);
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

    private void Remove(LinkedListNode<SpooledBatch> node)
    {
        _batches.Remove(node);
        _bytes -= node.Value.Batch.CalculateSize();
        _store?.Delete(node.Value.Sequence);
    }
}
