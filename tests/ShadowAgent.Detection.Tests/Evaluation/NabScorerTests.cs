using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Evaluation;
using ShadowAgent.Evaluation.Nab;

namespace ShadowAgent.Detection.Tests.Evaluation;

public class NabScorerTests
{
    private static readonly DateTime T0 = new(2014, 4, 1);

    /// <summary>A 1000-row series (probation 150) with the given windows and detections (score 1 at those rows).</summary>
    private static NabSeries Series(IReadOnlyList<(int, int)> windows, params int[] detections)
    {
        var timestamps = Enumerable.Range(0, 1000).Select(i => T0.AddMinutes(5 * i)).ToArray();
        var scores = new double[1000];
        foreach (var d in detections)
        {
            scores[d] = 1;
        }

        return new NabSeries("s.csv", timestamps, scores, windows);
    }

    private static double Raw(NabSeries series, NabProfile? profile = null) =>
        NabScorer.Score(series, NabScorer.Sweep(series), profile ?? NabProfile.Standard, 0.5).Raw;

    [Fact]
    public void ScaledSigmoid_MatchesTheDefinition()
    {
        Assert.Equal(0.98661, NabScorer.ScaledSigmoid(-1), 5);
        Assert.Equal(0.84828, NabScorer.ScaledSigmoid(-0.5), 5);
        Assert.Equal(0, NabScorer.ScaledSigmoid(0), 12);
        Assert.Equal(-0.98661, NabScorer.ScaledSigmoid(1), 5);
        Assert.Equal(-1, NabScorer.ScaledSigmoid(3));
        Assert.Equal(-1, NabScorer.ScaledSigmoid(10));
    }

    [Theory]
    [InlineData(4032, 604)]
    [InlineData(15902, 750)]
    [InlineData(1243, 186)]
    [InlineData(10, 1)]
    public void ProbationLength_Is15PercentCappedAt750(int rows, int expected)
    {
        Assert.Equal(expected, NabScorer.ProbationLength(rows));
    }

    [Fact]
    public void Score_DetectionOnTheWindowsFirstRow_EarnsTheFullTpWeight()
    {
        Assert.Equal(1, Raw(Series([(400, 499)], 400), NabProfile.Standard), 12);
    }

    [Fact]
    public void Score_LaterDetections_EarnLessAndOnlyTheEarliestCounts()
    {
        // Middle of a 100-row window: position −(499 − 450 + 1)/100 = −0.5.
        var middle = NabScorer.ScaledSigmoid(-0.5) / NabScorer.ScaledSigmoid(-1);
        Assert.Equal(middle, Raw(Series([(400, 499)], 450), NabProfile.Standard), 12);
        Assert.Equal(middle, Raw(Series([(400, 499)], 450, 460, 499), NabProfile.Standard), 12);

        // Last row: position −1/100, close to zero.
        Assert.InRange(Raw(Series([(400, 499)], 499), NabProfile.Standard), 0, 0.03);
    }

    [Fact]
    public void Score_MissedWindow_CostsTheFnWeight()
    {
        Assert.Equal(-1, Raw(Series([(400, 499)]), NabProfile.Standard), 12);
        Assert.Equal(-2, Raw(Series([(400, 499)]), NabProfile.RewardLowFn), 12);
    }

    [Fact]
    public void Score_FalsePositives_CostTheFpWeightScaledByDistanceFromThePrecedingWindow()
    {
        // Before any window: the full FP weight each.
        Assert.Equal(-1 - 0.11 - 0.11, Raw(Series([(600, 699)], 200, 300)), 12);

        // After a window of width 100: distance |699 − i|/99.
        var justAfter = Raw(Series([(600, 699)], 600, 710), NabProfile.Standard);
        Assert.Equal(1 + (0.11 * NabScorer.ScaledSigmoid(11 / 99.0)), justAfter, 12);
        var farAfter = Raw(Series([(600, 699)], 600, 999), NabProfile.Standard);
        Assert.Equal(1 - 0.11, farAfter, 12);
        Assert.Equal(1 - 0.22, Raw(Series([(600, 699)], 600, 999), NabProfile.RewardLowFp), 12);
    }

    [Fact]
    public void Score_ProbationRows_AreNotScored()
    {
        // A detection in the probation period is neither an FP nor a hit; a window entirely inside it is not counted.
        Assert.Equal(0, Raw(Series([(10, 100)], 50, 20)), 12);
        var result = NabScorer.Score(Series([(10, 100)]), NabScorer.Sweep(Series([(10, 100)])), NabProfile.Standard, 0.5);
        Assert.Equal(0, result.Windows);

        // A window straddling its end counts, and a hit in its scored part earns by position in the whole window.
        var straddling = Series([(100, 199)], 160);
        Assert.Equal(NabScorer.ScaledSigmoid(-0.4) / NabScorer.ScaledSigmoid(-1), Raw(straddling, NabProfile.Standard), 12);
    }

    [Fact]
    public void Optimize_RandomScores_FindsTheBestThresholdLikeABruteForceSweep()
    {
        var random = new Random(15);
        var corpus = new List<NabSeries>();
        for (var s = 0; s < 4; s++)
        {
            var series = Series([(300 + (50 * s), 380 + (50 * s)), (700, 760)]);
            for (var i = 0; i < series.Scores.Length; i++)
            {
                // Coarse values so ties occur; a bump inside the windows.
                series.Scores[i] = Math.Round(random.NextDouble() * 40) / 40;
                if (i >= 300 + (50 * s) && i < 320 + (50 * s))
                {
                    series.Scores[i] = Math.Min(1, series.Scores[i] + 0.5);
                }
            }

            corpus.Add(series);
        }

        var sweeps = corpus.Select(NabScorer.Sweep).ToList();
        foreach (var profile in NabProfile.All)
        {
            var (threshold, raw) = NabScorer.Optimize(corpus, sweeps, profile);
            var candidates = corpus.SelectMany(s => s.Scores).Distinct().Append(double.PositiveInfinity);
            var bruteBest = candidates.Max(t => corpus.Select((s, i) => NabScorer.Score(s, sweeps[i], profile, t).Raw).Sum());
            Assert.Equal(bruteBest, raw, 9);
            Assert.Equal(raw, corpus.Select((s, i) => NabScorer.Score(s, sweeps[i], profile, threshold).Raw).Sum(), 9);
        }
    }

    [Fact]
    public void Corpus_Oracles_ScoreHundredAndZero()
    {
        var corpus = NabCorpus.Load(TestSeries.NabFolder);
        var perfect = NabReport.Build(EvaluationProgram.Evaluate(corpus, new DetectionOptions(), "window-start"));
        var none = NabReport.Build(EvaluationProgram.Evaluate(corpus, new DetectionOptions(), "null"));
        foreach (var profile in NabProfile.All)
        {
            Assert.Equal(100, perfect[profile].Normalized, 9);
            Assert.Equal(0, none[profile].Normalized, 9);
        }
    }

    [Fact]
    public void Corpus_Ensemble_FindsTheLabelledWindowsOnTheCopiedSeries()
    {
        var corpus = NabCorpus.Load(TestSeries.NabFolder);
        var series = EvaluationProgram.Evaluate(corpus, new DetectionOptions(), "none");
        Assert.Equal(3, series.Count);
        var report = NabReport.Build(series);

        // Three series only, so this is a smoke test of the whole path, not a benchmark figure.
        Assert.True(report[NabProfile.Standard].Normalized > 50, $"{report[NabProfile.Standard].Normalized}");
        Assert.Equal(3, report[NabProfile.Standard].PerSeries.Sum(s => s.Tp));
    }
}
