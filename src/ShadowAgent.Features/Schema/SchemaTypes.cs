namespace ShadowAgent.Features.Schema;

/// <summary>
/// The JSON types a field was seen with, as a bit mask. Same bits as the tap's <c>ShapeTypes</c>, so the
/// agent converts with a cast.
/// </summary>
[Flags]
public enum SchemaTypes : byte
{
    None = 0,
    String = 1,
    Number = 2,
    Boolean = 4,
    Null = 8,
    Object = 16,
    Array = 32,
}
