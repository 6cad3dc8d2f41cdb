namespace ShadowAgent.Models.Forest;

/// <summary>
/// One isolation tree, flattened in preorder: node i splits on <see cref="Feature"/>[i] at <see cref="Threshold"/>[i]
/// (x &lt; threshold goes to <see cref="Left"/>, else <see cref="Right"/>), or is a leaf (feature −1) whose
/// <see cref="LeafValue"/> is its depth plus c(size) — the path length a point ending there is given.
/// </summary>
internal sealed class IsolationTree(int[] feature, float[] threshold, int[] left, int[] right, float[] leafValue)
{
    public int[] Feature { get; } = feature;

    public float[] Threshold { get; } = threshold;

    public int[] Left { get; } = left;

    public int[] Right { get; } = right;

    public float[] LeafValue { get; } = leafValue;

    public int Nodes => Feature.Length;

    /// <summary>The path length h(x), with the leaf's c(size) adjustment. NaN compares false, so it goes right,
    /// as ONNX's BRANCH_LT does.</summary>
    public float PathLengthOf(ReadOnlySpan<float> x)
    {
        var node = 0;
        while (Feature[node] >= 0)
        {
            node = x[Feature[node]] < Threshold[node] ? Left[node] : Right[node];
        }

        return LeafValue[node];
    }
}
