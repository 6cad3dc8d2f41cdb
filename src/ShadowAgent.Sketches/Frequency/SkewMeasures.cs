namespace ShadowAgent.Sketches.Frequency;

/// <summary>
/// How concentrated a key distribution is, as estimated by <see cref="Skew.Measure"/>.
/// Shares are fractions of the stream length; entropy is normalized to [0, 1] by ln(number of keys).
/// </summary>
/// <param name="K">The k of <see cref="TopKShare"/>.</param>
/// <param name="Top1Share">Share of the stream taken by the most frequent key.</param>
/// <param name="TopKShare">Share of the stream taken by the k most frequent keys.</param>
/// <param name="NormalizedEntropy">Shannon entropy over ln(keys): 1 for uniform, 0 for a single key.</param>
/// <param name="Gini">Gini coefficient of the per-key counts: 0 for uniform, towards 1 for one dominant key.</param>
/// <param name="HeadItems">Keys whose counts came from the sketch.</param>
/// <param name="TailItems">Keys assumed to share the rest of the stream evenly (may be fractional).</param>
public readonly record struct SkewMeasures(
    int K,
    double Top1Share,
    double TopKShare,
    double NormalizedEntropy,
    double Gini,
    int HeadItems,
    double TailItems);
