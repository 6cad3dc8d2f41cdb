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
        ReadOnlySpan<ulong> keyHashes,
        ulong keysPresent,
        ReadOnlySpan<double> numbers,
        ulong numbersPresent,
        ulong numbersNotNumeric)
    {
        Bytes = bytes;
        KeyHashes = keyHashes;
        KeysPresent = keysPresent;
        Numbers = numbers;
        NumbersPresent = numbersPresent;
        NumbersNotNumeric = numbersNotNumeric;
    }

    /// <summary>Size of the record on the wire, including its delimiter.</summary>
    public int Bytes { get; }

    /// <summary>64-bit hashes of the key values' bytes (<see cref="Hashing.KeyHash"/>).</summary>
    public ReadOnlySpan<ulong> KeyHashes { get; }

    public ulong KeysPresent { get; }

    public ReadOnlySpan<double> Numbers { get; }

    public ulong NumbersPresent { get; }

    public ulong NumbersNotNumeric { get; }
}
