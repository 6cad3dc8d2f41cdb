using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Detection.Vectors;

namespace ShadowAgent.Detection.Tests.Ensemble;

public class FeatureVectorDetectorTests
{
    private static readonly string[] Features = ["volume", "rate", "distinct", "p99", "skew"];

    [Fact]
    public void Observe_AnomalyInOneFeature_NamesThatFeatureFirst()
    {
        var detector = new FeatureVectorDetector(Features, new DetectionOptions());
        var random = new Random(13);
        var vector = new double[Features.Length];
        for (var t = 0; t < 3000; t++)
        {
            for (var f = 0; f < vector.Length; f++)
            {
                vector[f] = (10 * (f + 1)) + TestSeries.Normal(random);
            }

            detector.Observe(vector);
        }

        vector[3] += 25; // p99 jumps
        var result = detector.Observe(vector);
        Assert.True(result.Alarm);
        Assert.True(result.Score > 0.5, $"{result.Score}");
        Assert.Equal(Severity.High, result.Severity);
        Assert.True(result.Contributors >= 1);
        Assert.Equal("p99", detector.Contributors[0].Feature);
        Assert.All(detector.Contributors.ToArray(), c => Assert.True(c.TailProbability <= 0.01));
    }

    [Fact]
    public void Observe_AfterWarmup_AllocatesNothing()
    {
        var detector = new FeatureVectorDetector(Features, new DetectionOptions());
        var random = new Random(14);
        var vector = new double[Features.Length];
        void Step()
        {
            for (var f = 0; f < vector.Length; f++)
            {
                vector[f] = 100 + (5 * TestSeries.Normal(random));
            }

            detector.Observe(vector);
        }

        for (var t = 0; t < 2000; t++)
        {
            Step();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var t = 0; t < 2000; t++)
        {
            Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Constructor_DuplicateOrMissingNames_Throw()
    {
        Assert.Throws<ArgumentException>(() => new FeatureVectorDetector([], new DetectionOptions()));
        Assert.Throws<ArgumentException>(() => new FeatureVectorDetector(["a", "a"], new DetectionOptions()));
        Assert.Throws<ArgumentException>(() => new FeatureVectorDetector(["a"], new DetectionOptions()).Observe([1, 2]));
    }
}
