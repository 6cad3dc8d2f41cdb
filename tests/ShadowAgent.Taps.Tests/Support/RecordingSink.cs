using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;

namespace ShadowAgent.Taps.Tests.Support;

/// <summary>Keeps everything a tap tells it; optionally holds the parse loop in EndBatch until released.</summary>
internal sealed class RecordingSink : IRecordSink
{
    private readonly ManualResetEventSlim? _endBatchGate;
    private long _droppedRecords;
    private long _droppedBytes;
    private int _inBatch;

    public RecordingSink(ManualResetEventSlim? endBatchGate = null) => _endBatchGate = endBatchGate;

    public List<ParsedRecord> Records { get; } = [];

    public List<(RecordError Error, int Bytes)> Errors { get; } = [];

    public int Batches { get; private set; }

    public int ProtocolViolations { get; private set; }

    public long DroppedRecords => Interlocked.Read(ref _droppedRecords);

    public long DroppedBytes => Interlocked.Read(ref _droppedBytes);

    /// <summary>Records and errors seen so far (read from the test thread while the tap runs).</summary>
    public int Handled
    {
        get
        {
            lock (Records)
            {
                return Records.Count + Errors.Count;
            }
        }
    }

    public long TotalRecords => Records.Count + Errors.Count + DroppedRecords;

    public long TotalBytes => Records.Sum(r => (long)r.Bytes) + Errors.Sum(e => (long)e.Bytes) + DroppedBytes;

    public void BeginBatch()
    {
        if (Interlocked.Exchange(ref _inBatch, 1) != 0)
        {
            ProtocolViolations++;
        }

        Batches++;
    }

    public void OnRecord(in RecordView record)
    {
        if (Volatile.Read(ref _inBatch) != 1)
        {
            ProtocolViolations++;
        }

        lock (Records)
        {
            Records.Add(ParsedRecord.From(record));
        }
    }

    public void OnError(RecordError error, int bytes)
    {
        if (Volatile.Read(ref _inBatch) != 1)
        {
            ProtocolViolations++;
        }

        lock (Records)
        {
            Errors.Add((error, bytes));
        }
    }

    public void EndBatch()
    {
        _endBatchGate?.Wait();
        if (Interlocked.Exchange(ref _inBatch, 0) != 1)
        {
            ProtocolViolations++;
        }
    }

    public void OnDropped(long records, long bytes)
    {
        Interlocked.Add(ref _droppedRecords, records);
        Interlocked.Add(ref _droppedBytes, bytes);
    }
}

internal sealed record ParsedRecord(
    int Bytes,
    ulong[] KeyHashes,
    ulong KeysPresent,
    double[] Numbers,
    ulong NumbersPresent,
    ulong NumbersNotNumeric,
    KeyHash128[] FullHashes,
    string[] KeyTexts,
    EventTimeState EventTime,
    long EventTimeUnixMs)
{
    public static ParsedRecord From(in RecordView v)
    {
        var full = v.KeyHashes.ToArray();
        var texts = new string[full.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = System.Text.Encoding.UTF8.GetString(v.KeyValue(i));
        }

        return new ParsedRecord(
            v.Bytes, [.. full.Select(h => h.H1)], v.KeysPresent, v.Numbers.ToArray(), v.NumbersPresent, v.NumbersNotNumeric,
            full, texts, v.EventTime, v.EventTimeUnixMs);
    }
}
