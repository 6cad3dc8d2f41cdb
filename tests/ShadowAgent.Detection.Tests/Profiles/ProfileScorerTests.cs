using ShadowAgent.Core.Profiles;
using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Detection.Profiles;

namespace ShadowAgent.Detection.Tests.Profiles;

/// <summary>The live path: closed windows scored against the stream's past, with the features that caused it.</summary>
public sealed class ProfileScorerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);

    private static WindowProfile Window(int index, long records, double latencyMean, bool partial = false)
    {
        var latency = NumericSummary.Empty;
        latency.Count = records;
        latency.Sum = latencyMean * records;
        latency.Min = latencyMean / 2;
        latency.Max = latencyMean * 2;
        return new WindowProfile
        {
            Stream = "orders",
            WindowStart = T0.AddSeconds(10 * index),
            WindowEnd = T0.AddSeconds(10 * (index + 1)),
            Partial = partial,
            Covered = TimeSpan.FromSeconds(10),
            Volume = new VolumeCounters { Parsed = records, Bytes = records * 150 },
            NumericFields = ["latency_ms"],
            Numeric = [latency],
        };
    }

    [Fact]
    public void Features_NamedByWhatTheyMeasure()
    {
        var scorer = new ProfileScorer(["latency_ms"], ["route"], new DetectionOptions());
        Assert.Contains("records", scorer.Features);
        Assert.Contains("numeric.latency_ms.p99", scorer.Features);
        Assert.Contains("key.route.top1_share", scorer.Features);
        Assert.Equal(scorer.Features.Count, scorer.Features.Distinct().Count());
    }

    [Fact]
    public void SteadyWindowsThenASurge_SurgeScoredHighWithVolumeAsCause()
    {
        var scorer = new ProfileScorer(["latency_ms"], [], new DetectionOptions { Warmup = 30, CalibrationWarmup = 30 });
        var random = new Random(3);
        AnomalySummary? last = null;
        var maxSteady = 0.0;
        for (var i = 0; i < 200; i++)
        {
            last = scorer.Score(Window(i, 10_000 + random.Next(-300, 300), 40 + (random.NextDouble() * 2)));
            Assert.NotNull(last);
            if (i >= 60)
            {
                maxSteady = Math.Max(maxSteady, last.Score);
            }
        }

        var surge = scorer.Score(Window(200, 60_000, 160));

        Assert.NotNull(surge);
        Assert.True(surge.Severity >= (int)Severity.Medium, $"severity {surge.Severity}, score {surge.Score}");
        Assert.True(surge.Score > maxSteady, $"surge {surge.Score} vs steady max {maxSteady}");
        Assert.Contains(surge.Contributors, c => c.Feature is "records" or "numeric.latency_ms.mean");
        Assert.True(surge.Contributors.Count <= ProfileScorer.MaxContributors);
    }

    [Fact]
    public void PartialWindow_NotScored()
    {
        var scorer = new ProfileScorer(["latency_ms"], [], new DetectionOptions());
        Assert.Null(scorer.Score(Window(0, 100, 40, partial: true)));
    }
}
