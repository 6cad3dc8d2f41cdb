namespace ShadowAgent.Sketches.Cardinality;

/// <summary>The three representations a DataSketches HLL sketch moves through as it fills (values as in the mode byte).</summary>
public enum HllMode
{
    /// <summary>Up to seven coupons in a plain list.</summary>
    List = 0,

    /// <summary>Coupons in an open-addressing hash set.</summary>
    Set = 1,

    /// <summary>The register array.</summary>
    Hll = 2,
}
