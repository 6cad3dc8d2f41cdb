using System.Collections.Concurrent;
using ShadowAgent.Core.Records;

namespace ShadowAgent.Taps.Tests.Support;

internal sealed class RecordingSinkFactory : IRecordSinkFactory
{
    private readonly Func<RecordingSink> _create;
    private readonly ConcurrentDictionary<RecordingSink, int> _closes = new();
    private readonly ConcurrentQueue<RecordingSink> _opened = new();
    private int _rejected;

    public RecordingSinkFactory(Func<RecordingSink>? create = null) => _create = create ?? (() => new RecordingSink());

    public IReadOnlyList<RecordingSink> Opened => [.. _opened];

    public int Rejected => Volatile.Read(ref _rejected);

    public int ClosedCount => _closes.Count;

    public int CloseCalls(RecordingSink sink) => _closes.TryGetValue(sink, out var n) ? n : 0;

    public IRecordSink Open(IRecordShapes? shapes = null)
    {
        var sink = _create();
        _opened.Enqueue(sink);
        return sink;
    }

    public void Close(IRecordSink sink) => _closes.AddOrUpdate((RecordingSink)sink, 1, (_, n) => n + 1);

    public void OnConnectionRejected() => Interlocked.Increment(ref _rejected);
}
