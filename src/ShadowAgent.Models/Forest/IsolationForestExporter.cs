using ShadowAgent.Models.Onnx;
using ShadowAgent.Models.Training;
using static ShadowAgent.Models.Onnx.OnnxAttributes;

namespace ShadowAgent.Models.Forest;

/// <summary>
/// Writes an isolation forest as ONNX: ai.onnx.ml <c>TreeEnsembleRegressor</c> (every tree, BRANCH_LT splits, each
/// leaf's weight its path length with the c(size) adjustment, aggregated by AVERAGE) gives E[h(x)]; then
/// <c>Mul</c> by −ln 2/c(ψ) and <c>Exp</c> give the score 2^(−E[h]/c(ψ)). Input <c>X</c> float [N, d], output
/// <c>score</c> float [N, 1].
/// </summary>
internal static class IsolationForestExporter
{
    public const string InputName = "X";
    public const string OutputName = "score";

    public static ModelArtifact Export(IsolationForest forest, ModelInfo info)
    {
        if (info.Features.Count != forest.Features || info.Kind != ModelKind.IsolationForest || info.Precision != ModelPrecision.Float32)
        {
            throw new ArgumentException("Info does not describe a float32 isolation forest over these features.", nameof(info));
        }

        var treeIds = new List<long>();
        var nodeIds = new List<long>();
        var featureIds = new List<long>();
        var modes = new List<string>();
        var values = new List<float>();
        var trueIds = new List<long>();
        var falseIds = new List<long>();
        var targetTreeIds = new List<long>();
        var targetNodeIds = new List<long>();
        var targetWeights = new List<float>();
        for (var t = 0; t < forest.Trees.Length; t++)
        {
            var tree = forest.Trees[t];
            for (var n = 0; n < tree.Nodes; n++)
            {
                var leaf = tree.Feature[n] < 0;
                treeIds.Add(t);
                nodeIds.Add(n);
                featureIds.Add(leaf ? 0 : tree.Feature[n]);
                modes.Add(leaf ? "LEAF" : "BRANCH_LT");
                values.Add(leaf ? 0 : tree.Threshold[n]);
                trueIds.Add(leaf ? 0 : tree.Left[n]);
                falseIds.Add(leaf ? 0 : tree.Right[n]);
                if (leaf)
                {
                    targetTreeIds.Add(t);
                    targetNodeIds.Add(n);
                    targetWeights.Add(tree.LeafValue[n]);
                }
            }
        }

        var graph = new OnnxGraphBuilder("isolation_forest");
        var x = graph.Input(InputName, OnnxFormat.Float, forest.Features);
        var depth = graph.Node("TreeEnsembleRegressor", OnnxFormat.MlDomain, [x], ["mean_path_length"],
            Int("n_targets", 1),
            String("aggregate_function", "AVERAGE"),
            String("post_transform", "NONE"),
            Ints("nodes_treeids", treeIds),
            Ints("nodes_nodeids", nodeIds),
            Ints("nodes_featureids", featureIds),
            Strings("nodes_modes", modes),
            Floats("nodes_values", values),
            Ints("nodes_truenodeids", trueIds),
            Ints("nodes_falsenodeids", falseIds),
            Ints("target_treeids", targetTreeIds),
            Ints("target_nodeids", targetNodeIds),
            Ints("target_ids", new long[targetTreeIds.Count]),
            Floats("target_weights", targetWeights))[0];
        var exponent = graph.Initializer(OnnxTensors.Float("score_exponent", [forest.ScoreExponent]));
        var scaled = graph.Node("Mul", [depth, exponent], "scaled_path_length");
        var score = graph.Node("Exp", [scaled], OutputName);
        graph.Output(score, OnnxFormat.Float, 1);

        var doc = $"Isolation forest (Liu, Ting and Zhou 2008): {forest.Trees.Length} trees, psi {forest.SubsampleSize}; score = 2^(-E[h]/c(psi)).";
        return ModelArtifact.From(graph.Build(info.Version, doc, info.ToMetadata()), info);
    }
}
