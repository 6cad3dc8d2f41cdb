namespace ShadowAgent.Sketches.Cardinality;

/// <summary>
/// Register width of an HLL sketch's serialized image, as Apache DataSketches names it. The numeric values are
/// the two bits DataSketches stores in the mode byte.
/// </summary>
public enum HllTargetType
{
    /// <summary>4-bit registers relative to the current minimum, with an exception table for the overflow.</summary>
    Hll4 = 0,

    /// <summary>6-bit packed registers.</summary>
    Hll6 = 1,

    /// <summary>One byte per register.</summary>
    Hll8 = 2,
}
