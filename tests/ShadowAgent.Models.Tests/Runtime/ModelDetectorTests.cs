using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Tests.Runtime;

public sealed class ModelDetectorTests
{
    [Fact]
    public void Observe_TrainFromOwnHistoryThenSwap_FlagsOutliersAndKeepsEveryProfile()
    {
        using var detector = new ModelDetector(SyntheticProfiles.Names, historyCapacity: 4096);
        var row = new double[SyntheticProfiles.Features];
        var before = new List<ModelScores>();
        for (var i = 0; i < TestData.Training.Rows; i++)
        {
            Copy(TestData.Training[i], row);
            before.Add(detector.Observe(row));
        }

        // Trained from the profiles it has seen (1% of them outliers), then swapped in.
        var history = detector.History.Snapshot();
        var trainer = TestData.Trainer();
        Assert.True(detector.Forest.Offer(trainer.TrainIsolationForest(history, version: 1)));
        Assert.True(detector.Autoencoder.Offer(trainer.TrainAutoencoder(history, version: 1, ModelPrecision.Float32)));
        var (rows, kinds) = TestData.Labelled;
        var after = new List<ModelScores>();
        for (var i = 0; i < rows.Rows; i++)
        {
            Copy(rows[i], row);
            after.Add(detector.Observe(row));
        }

        Assert.Equal(TestData.Training.Rows + rows.Rows, detector.History.Total);
        Assert.All(before, r => Assert.Equal(0, r.Forest.Version));
        Assert.All(after, r => Assert.Equal((1, 1), (r.Forest.Version, r.Autoencoder.Version)));
        var outliers = Enumerable.Range(0, rows.Rows).Where(i => kinds[i] != OutlierKind.None).ToArray();
        var ordinary = rows.Rows - outliers.Length;
        var caught = outliers.Count(i => after[i].Autoencoder.Unusual);
        var falseAlarms = Enumerable.Range(0, rows.Rows).Count(i => kinds[i] == OutlierKind.None && after[i].Autoencoder.Unusual);
        Assert.True(caught >= 0.9 * outliers.Length, $"autoencoder flagged {caught} of {outliers.Length} outliers");
        Assert.True(falseAlarms <= 0.01 * ordinary, $"autoencoder flagged {falseAlarms} of {ordinary} ordinary rows");
        var forestFalseAlarms = Enumerable.Range(0, rows.Rows).Count(i => kinds[i] == OutlierKind.None && after[i].Forest.Unusual);
        Assert.True(forestFalseAlarms <= 0.01 * ordinary, $"forest flagged {forestFalseAlarms} of {ordinary} ordinary rows");
        // The forest separates scattered outliers (AUC 0.998) but with a thin margin: measured, they score 0.59-0.70
        // against ordinary rows' p99 of 0.60, so its fence (0.655) flags 8 of 20. Weak, and said so in the README.
        var scattered = outliers.Where(i => kinds[i] == OutlierKind.Scattered).ToArray();
        Assert.True(scattered.Count(i => after[i].Forest.Unusual) >= 0.3 * scattered.Length,
            $"forest flagged {scattered.Count(i => after[i].Forest.Unusual)} of {scattered.Length} scattered outliers");
    }

    [Fact]
    public void Observe_MissingValue_LastFiniteValueUsed()
    {
        using var detector = new ModelDetector(["a", "b"], historyCapacity: 4);

        detector.Observe([1, 2]);
        detector.Observe([double.NaN, 3]);

        Assert.Equal([1f, 3f], detector.History.Snapshot()[1].ToArray());
    }

    [Fact]
    public void Observe_WithBothModels_AllocatesNothing()
    {
        var trainer = TestData.Trainer();
        using var detector = new ModelDetector(SyntheticProfiles.Names);
        detector.Forest.Offer(trainer.TrainIsolationForest(TestData.Training, version: 1));
        detector.Autoencoder.Offer(trainer.TrainAutoencoder(TestData.Training, version: 1, ModelPrecision.Int8Dynamic));
        var row = new double[SyntheticProfiles.Features];
        Copy(TestData.Training[0], row);
        for (var i = 0; i < 100; i++)
        {
            detector.Observe(row);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            detector.Observe(row);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void Copy(ReadOnlySpan<float> from, double[] to)
    {
        for (var f = 0; f < to.Length; f++)
        {
            to[f] = from[f];
        }
    }
}
