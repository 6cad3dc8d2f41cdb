using BenchmarkDotNet.Attributes;
using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Detection.Vectors;

namespace ShadowAgent.Benchmarks.Detection;

/// <summary>
/// Cost of scoring one profile: every detector of the default set (EWMA bands, seasonal baseline, CUSUM,
/// BOCPD with 128 run lengths) plus calibration and the ensemble, on each of ten features. One operation =
/// one vector; the detectors have seen 5,000 vectors before measuring (periods found, calibration full).
/// The mean is here; the per-vector p99 comes from the <c>scenario detect-cost</c> run of this project.
/// </summary>
[MemoryDiagnoser]
public class DetectionBenchmarks
{
    private const int Warm = 5000;
    private const int Measured = 4096;

    private double[][] _vectors = [];
    private FeatureVectorDetector _detector = null!;
    private int _next;

    [Params(false, true)]
    public bool WithRobustZScore { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _vectors = DetectionWorkload.Vectors(Warm + Measured);
        var options = new DetectionOptions { Detectors = WithRobustZScore ? DetectorKinds.All : DetectorKinds.Default };
        _detector = new FeatureVectorDetector(DetectionWorkload.Features, options);
        for (var i = 0; i < Warm; i++)
        {
            _detector.Observe(_vectors[i]);
        }

        _next = Warm;
    }

    [Benchmark(Description = "10-feature profile, all detectors")]
    public double ObserveVector()
    {
        var score = _detector.Observe(_vectors[_next]).Score;
        _next = _next + 1 < _vectors.Length ? _next + 1 : Warm;
        return score;
    }
}
