using ShadowAgent.Core.Records;

namespace ShadowAgent.Benchmarks.Taps;

/// <summary>Counts what the taps hand over (records, errors, key presence) across all their sinks, added once per batch.</summary>
public sealed class CountingSinkFactory : IRecordSinkFactory
{
    private long _records;
    private long _errors;
    private long _keyed;

    public long Records => Interlocked.Read(ref _records);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Records that carried their first key field: proof the fields were really read.</summary>
    public long Keyed => Interlocked.Read(ref _keyed);

    public long Handled => Records + Errors;

    public IRecordSink Open(IRecordShapes? shapes = null) => new Sink(this);

    public void Close(IRecordSink sink)
    {
    }

    public void OnConnectionRejected()
    {
    }

    private sealed class Sink(CountingSinkFactory owner) : IRecordSink
    {
        private long _records;
        private long _errors;
        private long _keyed;

        public void BeginBatch()
        {
        }

        public void OnRecord(in RecordView record)
        {
            _records++;
            _keyed += (long)(record.KeysPresent & 1);
        }

        public void OnError(RecordError error, int bytes) => _errors++;

        public void EndBatch()
        {
            Interlocked.Add(ref owner._records, _records);
            Interlocked.Add(ref owner._errors, _errors);
            Interlocked.Add(ref owner._keyed, _keyed);
            _records = 0;
            _errors = 0;
            _keyed = 0;
        }

        public void OnDropped(long records, long bytes)
        {
        }
    }
}
