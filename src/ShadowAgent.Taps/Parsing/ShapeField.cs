using ShadowAgent.Core.Records;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// One field path observed by a <see cref="ShapeRecorder"/> in the current window: its hash (the identity),
/// its display text (cut to the recorder's limit, ending in '…' when cut), the types it had and the number
/// of records that carried it.
/// </summary>
public readonly record struct ShapeField(ulong PathHash, string Path, JsonTypes Types, long Records);
