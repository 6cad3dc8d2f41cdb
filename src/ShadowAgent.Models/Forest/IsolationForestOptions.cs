namespace ShadowAgent.Models.Forest;

/// <summary>How an isolation forest is grown.</summary>
public sealed class IsolationForestOptions
{
    /// <summary>t, the number of trees grown. The paper's default is 100; ONNX's TreeEnsembleRegressor spends about
    /// 22 bytes per node (2.2–2.8 KB per tree at ψ = 256), so 24 is about what fits <see cref="MaxModelBytes"/>.
    /// Measured on the synthetic set, AUC does not improve from 24 to 200 trees (README).</summary>
    public int Trees { get; init; } = 24;

    /// <summary>Largest exported model: trees are dropped from the end of the forest (they are independent and
    /// identically grown, so any subset is a smaller forest of the same kind) until the file fits.</summary>
    public int MaxModelBytes { get; init; } = 60 * 1024;

    /// <summary>ψ, rows drawn without replacement per tree (the paper's 256); the height limit is ⌈log2 ψ⌉.</summary>
    public int SubsampleSize { get; init; } = 256;

    public int Seed { get; init; } = 1;
}
