using System.Text;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;

namespace ShadowAgent.Features.Tests.Windowing.Support;

/// <summary>
/// Builds the <see cref="RecordView"/> the tap's extractor would hand a sink: both MurmurHash3 halves of each key
/// (<see cref="KeyHash.Of128"/>), the key's text cut at <see cref="RecordView.MaxKeyTextBytes"/>, numbers with their
/// presence bits and the event time. Fields not set for a record are absent; <see cref="Send"/> starts over.
/// </summary>
internal sealed class RecordWriter
{
    private readonly KeyHash128[] _hashes;
    private readonly byte[] _text;
    private readonly byte[] _lengths;
    private readonly double[] _numbers;
    private readonly bool _eventTime;
    private ulong _keys;
    private ulong _present;
    private ulong _notNumeric;
    private EventTimeState _time;
    private long _timeMs;

    public RecordWriter(int keys, int numbers, bool eventTime = false)
    {
        _hashes = new KeyHash128[keys];
        _text = new byte[keys * RecordView.MaxKeyTextBytes];
        _lengths = new byte[keys];
        _numbers = new double[numbers];
        _eventTime = eventTime;
        Clear();
    }

    public static KeyHash128 Hash(string value) => KeyHash.Of128(Encoding.UTF8.GetBytes(value));

    /// <summary>The item a frequent-items sketch and a heavy hitter carry for a key value.</summary>
    public static long Item(string value) => (long)Hash(value).H1;

    public RecordWriter Key(int index, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        _hashes[index] = KeyHash.Of128(bytes);
        var kept = Math.Min(bytes.Length, RecordView.MaxKeyTextBytes);
        bytes.AsSpan(0, kept).CopyTo(_text.AsSpan(index * RecordView.MaxKeyTextBytes));
        _lengths[index] = (byte)kept;
        _keys |= 1UL << index;
        return this;
    }

    public RecordWriter Number(int index, double value)
    {
        _numbers[index] = value;
        _present |= 1UL << index;
        return this;
    }

    public RecordWriter NotNumeric(int index)
    {
        _present |= 1UL << index;
        _notNumeric |= 1UL << index;
        return this;
    }

    /// <summary>The record is dated <paramref name="time"/> (the stream must read event time).</summary>
    public RecordWriter At(DateTimeOffset time)
    {
        _time = EventTimeState.Present;
        _timeMs = time.ToUnixTimeMilliseconds();
        return this;
    }

    public void Send(IRecordSink sink, int bytes = 100)
    {
        sink.OnRecord(new RecordView(bytes, _hashes, _keys, _numbers, _present, _notNumeric, _text, _lengths, _time, _timeMs));
        Clear();
    }

    private void Clear()
    {
        _keys = 0;
        _present = 0;
        _notNumeric = 0;
        Array.Clear(_lengths);
        _time = _eventTime ? EventTimeState.Missing : EventTimeState.NotConfigured;
        _timeMs = 0;
    }
}
