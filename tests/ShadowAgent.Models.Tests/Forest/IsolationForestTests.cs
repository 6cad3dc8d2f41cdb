using ShadowAgent.Models.Forest;
using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Tests.Forest;

public sealed class IsolationForestTests
{
    private static readonly Lazy<(IsolationForest Model, ModelArtifact Artifact)> Trained =
        new(() => TestData.Trainer().Forest(TestData.Training, version: 3));

    [Fact]
    public void Export_Default_PassesOnnxCheckerAndFitsBudget()
    {
        var artifact = Trained.Value.Artifact;

        OnnxChecker.Check(artifact.Onnx, "iforest");
        Assert.InRange(artifact.SizeBytes, 50 * 1024, 60 * 1024);
    }

    [Fact]
    public void Score_ScatteredOutliers_AucAbove095()
    {
        var (rows, kinds) = TestData.Labelled;
        using var scorer = new OnnxScorer(Trained.Value.Artifact);

        var auc = Auc.Of(scorer.ScoreAll(rows), SyntheticProfiles.Labels(kinds, OutlierKind.Scattered));

        Assert.True(auc > 0.95, $"AUC {auc:F4}");
    }

    [Fact]
    public void Score_SpikesAndInconsistentRows_BetterThanChanceButWeak()
    {
        // What an axis-parallel forest of 8-deep trees sees of a spike in one of twelve correlated features, or of
        // correlated features that disagree: measured 0.89 and 0.92 (the autoencoder: 0.99 and 1.00). Kept as a
        // test so a change that makes it better or worse is noticed.
        var (rows, kinds) = TestData.Labelled;
        using var scorer = new OnnxScorer(Trained.Value.Artifact);
        var scores = scorer.ScoreAll(rows);

        Assert.InRange(Auc.Of(scores, SyntheticProfiles.Labels(kinds, OutlierKind.Spike)), 0.8, 0.95);
        Assert.InRange(Auc.Of(scores, SyntheticProfiles.Labels(kinds, OutlierKind.Inconsistent)), 0.8, 0.95);
    }

    [Fact]
    public void Score_OnnxRuntime_MatchesCSharpReferenceWithin1e5()
    {
        var (forest, artifact) = Trained.Value;
        var (rows, _) = TestData.Labelled;
        using var scorer = new OnnxScorer(artifact);

        var batch = scorer.ScoreAll(rows);
        for (var r = 0; r < rows.Rows; r++)
        {
            var expected = forest.Score(rows[r]);
            Assert.True(Math.Abs(batch[r] - expected) <= 1e-5, $"row {r}: ONNX {batch[r]} vs C# {expected}");
            Assert.True(Math.Abs(scorer.Score(rows[r]) - expected) <= 1e-5, $"row {r} (one at a time)");
        }
    }

    [Fact]
    public void Train_HeightLimitAndLeaves_FollowThePaper()
    {
        var forest = Trained.Value.Model;

        // 24 grown; as many kept as fit 60 KB.
        Assert.InRange(forest.Trees.Length, 16, 24);
        Assert.Equal(256, forest.SubsampleSize);
        foreach (var tree in forest.Trees)
        {
            // Preorder: each leaf's value is its depth (<= ceil(log2 256) = 8) plus c(size) of at most c(256).
            Assert.All(Enumerable.Range(0, tree.Nodes).Where(n => tree.Feature[n] < 0),
                n => Assert.InRange(tree.LeafValue[n], 0f, 8f + (float)PathLength.Average(256)));
            Assert.Equal(tree.Nodes, (2 * tree.Feature.Count(f => f < 0)) - 1);
        }
    }

    [Fact]
    public void Train_SameSeedAndRows_SameBytes()
    {
        var again = TestData.Trainer().TrainIsolationForest(TestData.Training, version: 3);

        Assert.Equal(Trained.Value.Artifact.Sha256, again.Sha256);
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 0.0)]
    [InlineData(2, 1.0)]
    [InlineData(256, 10.244770920119917)]
    public void Average_KnownSizes_MatchesEquation1(int n, double expected) =>
        Assert.Equal(expected, PathLength.Average(n), 9);
}
