namespace ShadowAgent.Sketches.Quantiles;

/// <summary>How a <see cref="DDSketchMapping"/> computes the logarithm that gives a value its bin.</summary>
public enum DDSketchMappingKind
{
    /// <summary>Exact natural logarithm: the fewest bins for a given accuracy, the slowest index.</summary>
    Logarithmic,

    /// <summary>
    /// Exponent bits plus a cubic polynomial on the mantissa: no call to Math.Log, about 1% more bins.
    /// </summary>
    CubicallyInterpolated,
}
