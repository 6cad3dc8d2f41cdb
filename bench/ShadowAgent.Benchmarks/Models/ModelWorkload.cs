using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Tests;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Benchmarks.Models;

/// <summary>
/// The models measured: trained once on the model tests' synthetic profile history (2,000 rows of twelve
/// features, 1% outliers), exported in every form compared. Variants name what ONNX Runtime runs.
/// </summary>
internal static class ModelWorkload
{
    public static readonly string[] Variants =
    [
        "iforest-fp32",
        "ae-fp32",
        "ae-int8-weights",
        "ae-int8-nbits",
        "ae-int8-dynamic",
    ];

    public static readonly FeatureMatrix Training = SyntheticProfiles.Generate(2000, 20, seed: 7).Rows;

    public static ModelTrainer Trainer() => new(SyntheticProfiles.Names, time: new FixedClock());

    public static ModelArtifact Artifact(string variant) => variant switch
    {
        "iforest-fp32" => Trainer().TrainIsolationForest(Training, version: 1),
        "ae-fp32" => Trainer().TrainAutoencoder(Training, version: 1, ModelPrecision.Float32),
        "ae-int8-weights" or "ae-int8-nbits" => Trainer().TrainAutoencoder(Training, version: 1, ModelPrecision.Int8Weights),
        "ae-int8-dynamic" => Trainer().TrainAutoencoder(Training, version: 1, ModelPrecision.Int8Dynamic),
        _ => throw new ArgumentException($"Unknown variant '{variant}'.", nameof(variant)),
    };

    public static OnnxScorer Scorer(string variant) =>
        new(Artifact(variant), fuseWeightOnlyInt8: variant == "ae-int8-nbits");

    /// <summary>Rows to score, one profile each, as doubles (what profiles carry).</summary>
    public static double[][] Vectors(int count, double strength = 1, int seed = 11)
    {
        var (rows, _) = SyntheticProfiles.Generate(count, count / 20, seed, strength);
        return [.. Enumerable.Range(0, rows.Rows).Select(r => rows[r].ToArray().Select(v => (double)v).ToArray())];
    }

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
