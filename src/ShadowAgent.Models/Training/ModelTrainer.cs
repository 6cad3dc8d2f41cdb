using ShadowAgent.Models.Autoencoder;
using ShadowAgent.Models.Forest;

namespace ShadowAgent.Models.Training;

/// <summary>
/// Trains the learned detectors from profile history and exports each as a versioned ONNX artifact whose
/// threshold is Tukey's far-out fence of its own scores on the training rows. Training is
/// deterministic (seeded) and runs wherever the caller puts it: off the scoring thread, which keeps using the
/// previous model until the new one is handed to its <see cref="Runtime.ModelSlot"/>.
/// </summary>
public sealed class ModelTrainer
{
    private readonly string[] _features;
    private readonly IsolationForestOptions _forest;
    private readonly AutoencoderOptions _autoencoder;
    private readonly TimeProvider _time;

    /// <param name="features">Feature names in column order; non-empty, distinct, without commas.</param>
    public ModelTrainer(IReadOnlyList<string> features, IsolationForestOptions? forest = null, AutoencoderOptions? autoencoder = null,
        TimeProvider? time = null)
    {
        if (features.Count == 0 || features.Any(f => string.IsNullOrWhiteSpace(f) || f.Contains(',', StringComparison.Ordinal)) ||
            features.Distinct(StringComparer.Ordinal).Count() != features.Count)
        {
            throw new ArgumentException("Feature names must be non-empty, distinct and free of commas.", nameof(features));
        }

        _features = [.. features];
        _forest = forest ?? new IsolationForestOptions();
        _autoencoder = autoencoder ?? new AutoencoderOptions();
        _time = time ?? TimeProvider.System;
    }

    public ModelArtifact TrainIsolationForest(FeatureMatrix history, long version) => Forest(history, version).Artifact;

    /// <summary>
    /// The autoencoder's default export: int8 weights, run in float32. Measured (README of this project): the same
    /// latency as float32 (ONNX Runtime folds the dequantization at load: 2.9 µs per profile either way), the same
    /// AUC to the fourth digit, weights a quarter of the bytes (file 2.2 KB against 2.4 KB: the graph, not the
    /// weights, dominates a model this small). int8 arithmetic (dynamic quantization) ran at 0.57× the speed of
    /// float32 (5.1 µs), with a larger file (3.0 KB, four nodes more per layer), for no gain in AUC.
    /// </summary>
    public const ModelPrecision DefaultAutoencoderPrecision = ModelPrecision.Int8Weights;

    /// <param name="history">Profiles to train on, one row each.</param>
    /// <param name="version">The version the artifact carries.</param>
    /// <param name="precision">Export form; <see cref="DefaultAutoencoderPrecision"/> unless measuring.</param>
    public ModelArtifact TrainAutoencoder(FeatureMatrix history, long version, ModelPrecision precision = DefaultAutoencoderPrecision) =>
        Autoencoder(history, version, precision).Artifact;

    internal (IsolationForest Model, ModelArtifact Artifact) Forest(FeatureMatrix history, long version)
    {
        Check(history);
        var forest = IsolationForestTrainer.Train(history, _forest);
        while (true)
        {
            var threshold = Fence(history, forest.Score);
            var info = Info(ModelKind.IsolationForest, version, ModelPrecision.Float32, history, threshold);
            var artifact = IsolationForestExporter.Export(forest, info);
            if (artifact.SizeBytes <= _forest.MaxModelBytes || forest.Trees.Length == 1)
            {
                return (forest, artifact);
            }

            var perTree = (double)artifact.SizeBytes / forest.Trees.Length;
            var drop = Math.Max(1, (int)Math.Ceiling((artifact.SizeBytes - _forest.MaxModelBytes) / perTree));
            forest = new IsolationForest(forest.Trees[..Math.Max(1, forest.Trees.Length - drop)], forest.SubsampleSize, forest.Features);
        }
    }

    internal (Autoencoder.Autoencoder Model, ModelArtifact Artifact) Autoencoder(FeatureMatrix history, long version, ModelPrecision precision)
    {
        Check(history);
        var model = AutoencoderTrainer.Train(history, _autoencoder);
        var quantized = new QuantizedAutoencoder(model);
        RowScore reference = precision switch
        {
            ModelPrecision.Float32 => model.Error,
            ModelPrecision.Int8Weights => quantized.WeightOnly.Error,
            ModelPrecision.Int8Dynamic => quantized.DynamicError,
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision."),
        };
        var info = Info(ModelKind.Autoencoder, version, precision, history, Fence(history, reference));
        return (model, AutoencoderExporter.Export(model, info));
    }

    private ModelInfo Info(ModelKind kind, long version, ModelPrecision precision, FeatureMatrix history, double threshold) =>
        new(kind, version, precision, _features, history.Rows, threshold, _time.GetUtcNow());

    private void Check(FeatureMatrix history)
    {
        if (history.Columns != _features.Length)
        {
            throw new ArgumentException($"History has {history.Columns} columns; the trainer has {_features.Length} features.", nameof(history));
        }

        for (var r = 0; r < history.Rows; r++)
        {
            foreach (var value in history[r])
            {
                if (!float.IsFinite(value))
                {
                    throw new ArgumentException($"History row {r} holds a non-finite value.", nameof(history));
                }
            }
        }
    }

    private delegate float RowScore(ReadOnlySpan<float> row);

    /// <summary>Tukey's far-out fence of the training scores, Q3 + 3 × IQR: robust to the unusual profiles the
    /// history holds (a high quantile is not — it lands among them once they are more than its tail share).</summary>
    private static double Fence(FeatureMatrix rows, RowScore score)
    {
        var scores = new float[rows.Rows];
        for (var r = 0; r < scores.Length; r++)
        {
            scores[r] = score(rows[r]);
        }

        Array.Sort(scores);
        double Quartile(double q) => scores[Math.Min(scores.Length - 1, (int)(q * scores.Length))];
        var q1 = Quartile(0.25);
        var q3 = Quartile(0.75);
        return q3 + (ModelInfo.FenceWidth * (q3 - q1));
    }
}
