using ShadowAgent.Core.Hashing;

namespace ShadowAgent.Core.Records;

/// <summary>
/// The configured fields of one parsed record, read in place. Index i of <see cref="KeyHashes"/> and
/// <see cref="Numbers"/> is the stream's i-th key or numeric field. A key field that is absent has bit i of
/// <see cref="KeysPresent"/> clear; a numeric field that is absent has bit i of <see cref="NumbersPresent"/>
/// clear, and one that is present but not a number has bit i of <see cref="NumbersNotNumeric"/> set.
/// </summary>
public readonly ref struct RecordView
{
    public RecordView(
        int bytes,
        ReadOnlySpan<KeyHash128> keyHashes,
        ulong keysPresent,
        ReadOnlySpan<double> numbers,
        ulong numbersPresent,
        ulong numbersNotNumeric)
        : this(bytes, keyHashes, keysPresent, numbers, numbersPresent, numbersNotNumeric, default, default, EventTimeState.NotConfigured, 0)
    {
    }

    public RecordView(
        int bytes,
        ReadOnlySpan<KeyHash128> keyHashes,
        ulong keysPresent,
        ReadOnlySpan<double> numbers,
        ulong numbersPresent,
        ulong numbersNotNumeric,
        ReadOnlySpan<byte> keyText,
        ReadOnlySpan<byte> keyTextLengths,
        EventTimeState eventTime,
        long eventTimeUnixMs)
    {
        Bytes = bytes;
        KeyHashes = keyHashes;
        KeysPresent = keysPresent;
        Numbers = numbers;
        NumbersPresent = numbersPresent;
        NumbersNotNumeric = numbersNotNumeric;
        KeyText = keyText;
        KeyTextLengths = keyTextLengths;
        EventTime = eventTime;
        EventTimeUnixMs = eventTimeUnixMs;
    }

    /// <summary>Bytes of a key value's text kept for display (heavy hitters); longer values are cut.</summary>
    public const int MaxKeyTextBytes = 64;

    /// <summary>Size of the record on the wire, including its delimiter.</summary>
    public int Bytes { get; }

    /// <summary>Hashes of the key values' bytes (<see cref="KeyHash"/>).</summary>
    public ReadOnlySpan<KeyHash128> KeyHashes { get; }

    public ulong KeysPresent { get; }

    public ReadOnlySpan<double> Numbers { get; }

    public ulong NumbersPresent { get; }

    public ulong NumbersNotNumeric { get; }

    /// <summary>Key i's text (at most <see cref="MaxKeyTextBytes"/>) at [i * MaxKeyTextBytes, + KeyTextLengths[i]).</summary>
    public ReadOnlySpan<byte> KeyText { get; }

    public ReadOnlySpan<byte> KeyTextLengths { get; }

    /// <summary>Whether the stream reads event time and whether this record had a readable one.</summary>
    public EventTimeState EventTime { get; }

    /// <summary>The record's event time when <see cref="EventTime"/> is <see cref="EventTimeState.Present"/>.</summary>
    public long EventTimeUnixMs { get; }

    /// <summary>The text of key i as far as it was kept; empty when the view carries no key text.</summary>
    public ReadOnlySpan<byte> KeyValue(int index) =>
        KeyTextLengths.Length > index ? KeyText.Slice(index * MaxKeyTextBytes, KeyTextLengths[index]) : default;
}

public enum EventTimeState : byte
{
    /// <summary>The stream uses arrival time.</summary>
    NotConfigured,

    Present,

    /// <summary>The field was absent, null or not a readable time.</summary>
    Missing,
}
