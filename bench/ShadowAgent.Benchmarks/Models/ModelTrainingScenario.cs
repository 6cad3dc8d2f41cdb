using System.Diagnostics;
using System.Globalization;
using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Tests;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Benchmarks.Models;

/// <summary>
/// <c>scenario model-train [rows...]</c> (default 1000 10000): what the aggregator's model refresh spends per stream — the
/// isolation forest and the int8-weight autoencoder trained with the default options (24 trees, 150 epochs) on that many
/// profiles of the model tests' twelve synthetic features, each exported and its training rows scored by ONNX Runtime
/// (the refresh's flagged share). Three runs per size; the first also pays the JIT.
/// </summary>
internal static class ModelTrainingScenario
{
    public static int Run(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1000, 10_000];
        foreach (var rows in sizes)
        {
            var history = SyntheticProfiles.Generate(rows, rows / 100, seed: 7).Rows;
            for (var run = 1; run <= 3; run++)
            {
                var trainer = new ModelTrainer(SyntheticProfiles.Names);
                var forest = Time(() => trainer.TrainIsolationForest(history, run), history, out var forestMs, out var forestScoreMs);
                var autoencoder = Time(() => trainer.TrainAutoencoder(history, run), history, out var aeMs, out var aeScoreMs);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{rows,6} profiles, run {run}: isolation forest {forestMs,7:F0} ms + scoring {forestScoreMs,5:F0} ms ({forest.SizeBytes} B); " +
                    $"autoencoder {aeMs,7:F0} ms + scoring {aeScoreMs,5:F0} ms ({autoencoder.SizeBytes} B); " +
                    $"total {forestMs + forestScoreMs + aeMs + aeScoreMs,7:F0} ms"));
            }
        }

        return 0;
    }

    private static ModelArtifact Time(Func<ModelArtifact> train, FeatureMatrix history, out double trainMs, out double scoreMs)
    {
        var start = Stopwatch.GetTimestamp();
        var artifact = train();
        trainMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        start = Stopwatch.GetTimestamp();
        using (var scorer = new OnnxScorer(artifact))
        {
            _ = scorer.ScoreAll(history);
        }

        scoreMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return artifact;
    }
}
