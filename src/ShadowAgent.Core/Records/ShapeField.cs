namespace ShadowAgent.Core.Records;

/// <summary>
/// One field path observed by a tap in the current window: its hash (the identity), its display text (cut to
/// the recorder's limit, ending in '…' when cut), the types it had and the number of records that carried it.
/// </summary>
public readonly record struct ShapeField(ulong PathHash, string Path, JsonTypes Types, long Records);

/// <summary>
/// The record shapes one tap connection observed since the last <see cref="Reset"/>. Written by the
/// connection's parse loop; read and reset by whoever owns the connection's sink, never concurrently with a batch.
/// </summary>
public interface IRecordShapes
{
    /// <summary>Records observed completely since the last reset.</summary>
    long Records { get; }

    /// <summary>Occurrences of values whose path could not be tracked because a limit was reached.</summary>
    long FieldsOverLimit { get; }

    int FieldCount { get; }

    ShapeField Field(int index);

    /// <summary>Forgets every path and count, keeping the memory.</summary>
    void Reset();
}
