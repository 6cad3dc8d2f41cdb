using System.Diagnostics;
using System.Globalization;
using ShadowAgent.Benchmarks.Detection;
using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Detection.Vectors;
using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Tests;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Benchmarks.Models;

/// <summary>
/// <c>scenario model-cost [vectors]</c>: for each exported model form, its size, its detection quality (AUC per
/// outlier kind on the labelled synthetic set, at full and at half outlier strength) and its per-profile latency
/// (each call timed: mean, p50, p99, p99.9 after a warm-up; allocated bytes). Then the cost per profile of the
/// ONNX detectors together (isolation forest + autoencoder in their slots), and of every detector a profile goes
/// through: the statistical detectors (<see cref="FeatureVectorDetector"/>, default set) and both ONNX models,
/// trained on the first 2,000 profiles of the detection benchmarks' ten-feature workload — the budget,
/// p99 ≤ 20 µs per profile.
/// </summary>
internal static class ModelCostScenario
{
    public static int Run(string[] args)
    {
        var measured = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var vectors = ModelWorkload.Vectors(4096);
        var full = SyntheticProfiles.Generate(3000, 300, seed: 11);
        var subtle = SyntheticProfiles.Generate(3000, 300, seed: 12, strength: 0.5);
        Console.WriteLine("variant           bytes   AUC spike/scattered/inconsistent (full)   (half strength)        latency per profile");
        foreach (var variant in ModelWorkload.Variants)
        {
            var artifact = ModelWorkload.Artifact(variant);
            using var scorer = ModelWorkload.Scorer(variant);
            var quality = $"{Quality(scorer, full)}   {Quality(scorer, subtle)}";
            var latency = Time(measured, vectors, v => scorer.Score(v));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant,-16} {artifact.SizeBytes,6}   {quality}   {latency}"));
        }

        foreach (var precision in new[] { ModelPrecision.Float32, ModelPrecision.Int8Weights, ModelPrecision.Int8Dynamic })
        {
            using var detector = new ModelDetector(SyntheticProfiles.Names);
            detector.Forest.Offer(ModelWorkload.Trainer().TrainIsolationForest(ModelWorkload.Training, version: 1));
            detector.Autoencoder.Offer(ModelWorkload.Trainer().TrainAutoencoder(ModelWorkload.Training, version: 1, precision));
            Console.WriteLine($"ModelDetector (iforest + autoencoder {precision}): {Time(measured, vectors, v => detector.Observe(v))}");
        }

        AllDetectors(measured, precision: null);
        foreach (var precision in new[] { ModelPrecision.Float32, ModelPrecision.Int8Weights, ModelPrecision.Int8Dynamic })
        {
            AllDetectors(measured, precision);
        }

        return 0;
    }

    /// <param name="measured">Profiles timed.</param>
    /// <param name="precision">The autoencoder's form; null times the statistical detectors alone.</param>
    private static void AllDetectors(int measured, ModelPrecision? precision)
    {
        const int Warm = 5000;
        var profiles = DetectionWorkload.Vectors(Warm + measured);
        var statistical = new FeatureVectorDetector(DetectionWorkload.Features, new DetectionOptions());
        using var learned = new ModelDetector(DetectionWorkload.Features);
        var trainer = new ModelTrainer(DetectionWorkload.Features);
        var history = FeatureMatrix.FromRows(profiles[..2000]);
        if (precision is { } p)
        {
            learned.Forest.Offer(trainer.TrainIsolationForest(history, version: 1));
            learned.Autoencoder.Offer(trainer.TrainAutoencoder(history, version: 1, p));
        }

        var next = 0;
        var timing = Time(measured, profiles, _ =>
        {
            var profile = profiles[next++ % profiles.Length];
            statistical.Observe(profile);
            if (precision is not null)
            {
                learned.Observe(profile);
            }
        });
        var what = precision is null ? "statistical detectors alone, 10 features" : $"statistical, 10 features + iforest + autoencoder {precision}";
        Console.WriteLine($"all detectors per profile ({what}): {timing}");
    }

    private static string Quality(OnnxScorer scorer, (FeatureMatrix Rows, OutlierKind[] Kinds) set)
    {
        var scores = scorer.ScoreAll(set.Rows);
        return string.Join("/", new[] { OutlierKind.Spike, OutlierKind.Scattered, OutlierKind.Inconsistent }
            .Select(k => Auc.Of(scores, SyntheticProfiles.Labels(set.Kinds, k)).ToString("F4", CultureInfo.InvariantCulture)));
    }

    private static string Time(int measured, double[][] vectors, Action<double[]> score)
    {
        for (var i = 0; i < 5000; i++)
        {
            score(vectors[i % vectors.Length]);
        }

        var ticks = new long[measured];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < measured; i++)
        {
            var start = Stopwatch.GetTimestamp();
            score(vectors[i % vectors.Length]);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(ticks);
        double Us(long t) => t * 1e6 / Stopwatch.Frequency;
        return string.Create(CultureInfo.InvariantCulture,
            $"mean {ticks.Average(t => Us(t)):F2} us, p50 {Us(ticks[measured / 2]):F2}, p99 {Us(ticks[(int)(measured * 0.99)]):F2}, p99.9 {Us(ticks[(int)(measured * 0.999)]):F2} us; {allocated} B over {measured}");
    }
}
