using System.Collections.Concurrent;
using System.Text;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Mirror.Tests.Support;

/// <summary>A sink factory that keeps every record and error the mirror emits, decoded by the stream's field names.</summary>
internal sealed class CollectingSinks(StreamOptions stream) : IRecordSinkFactory
{
    private readonly ConcurrentQueue<MirrorRecord> _records = new();
    private long _malformed;
    private long _oversize;
    private long _dropped;
    private int _open;
    private int _closed;
    private int _rejected;

    public IReadOnlyList<MirrorRecord> Records => [.. _records];

    public long Malformed => Interlocked.Read(ref _malformed);

    public long Oversize => Interlocked.Read(ref _oversize);

    public long Dropped => Interlocked.Read(ref _dropped);

    public int Opened => Volatile.Read(ref _open);

    public int Closed => Volatile.Read(ref _closed);

    public int Rejected => Volatile.Read(ref _rejected);

    public IRecordSink Open(IRecordShapes? shapes = null)
    {
        Interlocked.Increment(ref _open);
        return new Sink(this);
    }

    public void Close(IRecordSink sink) => Interlocked.Increment(ref _closed);

    public void OnConnectionRejected() => Interlocked.Increment(ref _rejected);

    private sealed class Sink(CollectingSinks owner) : IRecordSink
    {
        private int _inBatch;

        public void BeginBatch() => Assert.Equal(0, Interlocked.Exchange(ref _inBatch, 1));

        public void EndBatch() => Assert.Equal(1, Interlocked.Exchange(ref _inBatch, 0));

        public void OnRecord(in RecordView record)
        {
            var keys = new Dictionary<string, string>();
            for (var i = 0; i < owner.StreamOptions.KeyFields.Count; i++)
            {
                if ((record.KeysPresent & (1UL << i)) != 0)
                {
                    keys[owner.StreamOptions.KeyFields[i]] = Encoding.UTF8.GetString(record.KeyValue(i));
                }
            }

            var numbers = new Dictionary<string, double>();
            for (var j = 0; j < owner.StreamOptions.NumericFields.Count; j++)
            {
                if ((record.NumbersPresent & (1UL << j)) != 0)
                {
                    numbers[owner.StreamOptions.NumericFields[j]] = record.Numbers[j];
                }
            }

            owner._records.Enqueue(new MirrorRecord(keys, numbers, record.Bytes));
        }

        public void OnError(RecordError error, int bytes)
        {
            if (error == RecordError.Oversize)
            {
                Interlocked.Increment(ref owner._oversize);
            }
            else
            {
                Interlocked.Increment(ref owner._malformed);
            }
        }

        public void OnDropped(long records, long bytes) => Interlocked.Add(ref owner._dropped, records);
    }

    private StreamOptions StreamOptions => stream;
}
