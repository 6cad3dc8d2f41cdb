using System.Diagnostics;
using System.Globalization;
using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Detection.Vectors;
using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Benchmarks.Detection;

/// <summary>
/// <c>scenario detect-cost [vectors]</c>: times every <see cref="FeatureVectorDetector.Observe"/> call on the ten-feature
/// workload after a 5,000-vector warm-up, and prints mean, median, p99, p99.9 and max per vector (one profile)
/// and the allocated bytes. BenchmarkDotNet gives means; the budget is a p99, which needs each call timed.
/// The last line is the agent's live path once the aggregator has shipped models: the default detectors and both
/// learned models (isolation forest and int8-weight autoencoder, trained on the workload's first 2,000 vectors with the
/// default options) per vector.
/// </summary>
internal static class DetectionCostScenario
{
    public static int Run(string[] args)
    {
        var measured = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        const int warm = 5000;
        // The default set twice: first while the JIT is still tiering up (its p99 is the compiler's, not the detectors'),
        // last when everything runs at full tier; then each detector alone, to show where the time goes.
        (string Label, DetectorKinds Kinds)[] runs =
        [
            ("Default (first run: JIT tiering)", DetectorKinds.Default), ("All", DetectorKinds.All), ("Ewma", DetectorKinds.Ewma),
            ("Seasonal", DetectorKinds.Seasonal), ("Cusum", DetectorKinds.Cusum), ("Bocpd", DetectorKinds.Bocpd),
            ("RobustZScore", DetectorKinds.RobustZScore), ("Record", DetectorKinds.Record), ("Context", DetectorKinds.Context),
            ("Default", DetectorKinds.Default),
        ];
        using var models = TrainedModels();
        foreach (var (label, kinds, learned) in runs.Select(r => (r.Label, r.Kinds, (ModelDetector?)null)).Append(("Default + both ONNX models", DetectorKinds.Default, models)))
        {
            var vectors = DetectionWorkload.Vectors(warm + measured);
            var detector = new FeatureVectorDetector(DetectionWorkload.Features, new DetectionOptions { Detectors = kinds });
            for (var i = 0; i < warm; i++)
            {
                detector.Observe(vectors[i]);
                learned?.Observe(vectors[i]);
            }

            var ticks = new long[measured];
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < measured; i++)
            {
                var start = Stopwatch.GetTimestamp();
                detector.Observe(vectors[warm + i]);
                learned?.Observe(vectors[warm + i]);
                ticks[i] = Stopwatch.GetTimestamp() - start;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Array.Sort(ticks);
            double Us(long t) => t * 1e6 / Stopwatch.Frequency;
            var mean = ticks.Average(t => Us(t));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label,-34} per 10-feature vector: mean {mean:F2} us, p50 {Us(ticks[measured / 2]):F2} us, p99 {Us(ticks[(int)(measured * 0.99)]):F2} us, p99.9 {Us(ticks[(int)(measured * 0.999)]):F2} us, max {Us(ticks[^1]):F1} us; allocated {allocated} B over {measured} vectors"));
        }

        return 0;
    }

    private static ModelDetector TrainedModels()
    {
        var training = FeatureMatrix.FromRows(DetectionWorkload.Vectors(2000, seed: 7));
        var trainer = new ModelTrainer(DetectionWorkload.Features);
        var detector = new ModelDetector(DetectionWorkload.Features, historyCapacity: 2);
        detector.Forest.Offer(trainer.TrainIsolationForest(training, 1));
        detector.Autoencoder.Offer(trainer.TrainAutoencoder(training, 1));
        return detector;
    }
}
