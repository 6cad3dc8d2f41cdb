using System.Buffers.Text;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Mirror.Recording;

/// <summary>
/// Turns mirror observations into records of the stream's own fields (<see cref="MirrorFields"/>), so windows
/// summarize them like any stream: quantiles of primary and shadow latency, error shares, and the status mix in
/// the heavy hitters of "outcome". Only the fields the stream lists are computed.
/// </summary>
internal sealed class MirrorRecorder
{
    private const int KeyPath = 0;
    private const int KeyRoute = 1;
    private const int KeyMethod = 2;
    private const int KeyStatus = 3;
    private const int KeyStatusClass = 4;
    private const int KeyOutcome = 5;
    private const int KeyScenario = 6;
    private const int KeyBodyDiff = 7;

    private readonly int[] _keys;
    private readonly int[] _numbers;
    private readonly byte[] _scenario;

    public MirrorRecorder(StreamOptions stream, string scenario)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _keys = [.. stream.KeyFields.Select(f => IndexOf(MirrorFields.Keys, f))];
        _numbers = [.. stream.NumericFields.Select(f => IndexOf(MirrorFields.Numbers, f))];
        _scenario = System.Text.Encoding.UTF8.GetBytes(scenario);
        WantsBodyDiff = _keys.Contains(KeyBodyDiff) || _numbers.Contains(MirrorNumbers.BodyMismatch);
    }

    /// <summary>Whether the stream lists body_diff or body_mismatch: otherwise no body is kept for comparison.</summary>
    public bool WantsBodyDiff { get; }

    /// <summary>Emits one record; <paramref name="status"/> 0 means no response; an empty <paramref name="bodyDiff"/> leaves that key out.</summary>
    public void Emit(IRecordSink sink, bool shadow, ReadOnlySpan<byte> route, ReadOnlySpan<byte> method, int status, in MirrorNumbers numbers, int bytes, ReadOnlySpan<byte> bodyDiff = default)
    {
        Span<KeyHash128> hashes = stackalloc KeyHash128[_keys.Length];
        Span<byte> text = stackalloc byte[_keys.Length * RecordView.MaxKeyTextBytes];
        Span<byte> lengths = stackalloc byte[_keys.Length];
        Span<byte> scratch = stackalloc byte[32];
        ulong keysPresent = 0;
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] == KeyScenario && (!shadow || _scenario.Length == 0))
            {
                continue;
            }

            if (_keys[i] == KeyBodyDiff && bodyDiff.IsEmpty)
            {
                continue;
            }

            var value = _keys[i] == KeyBodyDiff ? bodyDiff : KeyValue(_keys[i], shadow, route, method, status, scratch);

            hashes[i] = KeyHash.Of128(value);
            var kept = Math.Min(value.Length, RecordView.MaxKeyTextBytes);
            value[..kept].CopyTo(text[(i * RecordView.MaxKeyTextBytes)..]);
            lengths[i] = (byte)kept;
            keysPresent |= 1UL << i;
        }

        Span<double> values = stackalloc double[_numbers.Length];
        ulong numbersPresent = 0;
        for (var j = 0; j < _numbers.Length; j++)
        {
            var v = numbers[_numbers[j]];
            if (!double.IsNaN(v))
            {
                values[j] = v;
                numbersPresent |= 1UL << j;
            }
        }

        var record = new RecordView(bytes, hashes, keysPresent, values, numbersPresent, 0, text, lengths, EventTimeState.NotConfigured, 0);
        sink.BeginBatch();
        try
        {
            sink.OnRecord(record);
        }
        finally
        {
            sink.EndBatch();
        }
    }

    private ReadOnlySpan<byte> KeyValue(int key, bool shadow, ReadOnlySpan<byte> route, ReadOnlySpan<byte> method, int status, Span<byte> scratch)
    {
        var side = shadow ? "shadow"u8 : "primary"u8;
        switch (key)
        {
            case KeyPath:
                return side;
            case KeyRoute:
                return route;
            case KeyMethod:
                return method;
            case KeyStatus:
                return status == 0 ? "error"u8 : Format(status, scratch);
            case KeyStatusClass:
                return StatusClass(status);
            case KeyOutcome:
                side.CopyTo(scratch);
                scratch[side.Length] = (byte)' ';
                var cls = StatusClass(status);
                cls.CopyTo(scratch[(side.Length + 1)..]);
                return scratch[..(side.Length + 1 + cls.Length)];
            default:
                return _scenario;
        }
    }

    public static ReadOnlySpan<byte> StatusClass(int status) => (status / 100) switch
    {
        1 => "1xx"u8,
        2 => "2xx"u8,
        3 => "3xx"u8,
        4 => "4xx"u8,
        5 => "5xx"u8,
        _ => "error"u8,
    };

    private static ReadOnlySpan<byte> Format(int status, Span<byte> scratch)
    {
        Utf8Formatter.TryFormat(status, scratch, out var written);
        return scratch[..written];
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"'{name}' is not a field the http mirror emits (known: {string.Join(", ", names)}).");
    }
}
