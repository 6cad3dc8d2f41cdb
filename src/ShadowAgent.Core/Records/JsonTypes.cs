namespace ShadowAgent.Core.Records;

/// <summary>
/// The JSON types a field was seen with, as a bit mask: the tap records them per field and the schema
/// snapshots and drift events carry them, so the bit values are part of what profiles hold.
/// </summary>
[Flags]
public enum JsonTypes : byte
{
    None = 0,
    String = 1,
    Number = 2,
    Boolean = 4,
    Null = 8,
    Object = 16,
    Array = 32,
}
