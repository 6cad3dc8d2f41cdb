namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// The JSON types a field was seen with, as a bit mask. The bit values are the wire contract shared with
/// <c>ShadowAgent.Features.Schema.SchemaTypes</c>, so one casts to the other.
/// </summary>
[Flags]
public enum ShapeTypes : byte
{
    None = 0,
    String = 1,
    Number = 2,
    Boolean = 4,
    Null = 8,
    Object = 16,
    Array = 32,
}
