namespace ShadowAgent.Models.Forest;

/// <summary>
/// A trained isolation forest and its reference scorer: s(x) = 2^(−E[h(x)]/c(ψ)) (Liu, Ting and Zhou 2008, eq. 2),
/// near 1 for points isolated in few splits, at most about 0.5 for ordinary ones. Computed in float32 in the same
/// order as the exported ONNX graph (sum of leaf values, divide by trees, multiply by −ln 2/c(ψ), exp), so the two
/// agree to rounding.
/// </summary>
internal sealed class IsolationForest
{
    public IsolationForest(IsolationTree[] trees, int subsampleSize, int features)
    {
        Trees = trees;
        SubsampleSize = subsampleSize;
        Features = features;
        ScoreExponent = (float)(-Math.Log(2) / PathLength.Average(subsampleSize));
    }

    public IsolationTree[] Trees { get; }

    /// <summary>ψ, the rows each tree was grown from.</summary>
    public int SubsampleSize { get; }

    public int Features { get; }

    /// <summary>−ln 2 / c(ψ): score = exp(E[h] × this).</summary>
    public float ScoreExponent { get; }

    public float Score(ReadOnlySpan<float> x)
    {
        var sum = 0f;
        foreach (var tree in Trees)
        {
            sum += tree.PathLengthOf(x);
        }

        return MathF.Exp(sum / Trees.Length * ScoreExponent);
    }
}
