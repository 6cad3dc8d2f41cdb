namespace ShadowAgent.Features.Spectral;

/// <summary>Which butterfly kernel a <see cref="RealFft"/> runs; tests pin each one to compare them.</summary>
internal enum FftPath
{
    /// <summary>Plain loops over every stage: the reference the vector paths are checked against.</summary>
    Scalar,

    /// <summary>Two complex butterflies per instruction.</summary>
    Vector128,

    /// <summary>Four complex butterflies per instruction.</summary>
    Vector256,
}
