using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Tests.Runtime;

public sealed class ModelSlotTests
{
    private static readonly Lazy<ModelArtifact[]> Versions = new(() =>
    {
        // Five versions trained on growing history, as retraining produces them.
        var trainer = TestData.Trainer();
        return [.. Enumerable.Range(1, 5).Select(v => trainer.TrainAutoencoder(Prefix(TestData.Training, 400 * v), version: v, ModelPrecision.Float32))];
    });

    [Fact]
    public void Score_BeforeAnyModel_NaNVersionZero()
    {
        using var slot = new ModelSlot(ModelKind.Autoencoder, SyntheticProfiles.Names);

        var reading = slot.Score(new double[SyntheticProfiles.Features]);

        Assert.True(float.IsNaN(reading.Score));
        Assert.Equal(0, reading.Version);
        Assert.Null(slot.Current);
    }

    [Fact]
    public void Offer_OlderOrSameVersion_Refused()
    {
        using var slot = new ModelSlot(ModelKind.Autoencoder, SyntheticProfiles.Names);

        Assert.True(slot.Offer(Versions.Value[2]));
        Assert.False(slot.Offer(Versions.Value[1]));
        Assert.False(slot.Offer(Versions.Value[2]));
        Assert.Equal(3, slot.Score(new double[SyntheticProfiles.Features]).Version);
    }

    [Fact]
    public void Offer_OtherKindOrFeatures_ArgumentException()
    {
        using var forests = new ModelSlot(ModelKind.IsolationForest, SyntheticProfiles.Names);
        using var fewer = new ModelSlot(ModelKind.Autoencoder, SyntheticProfiles.Names[..11]);

        Assert.Throws<ArgumentException>(() => forests.Offer(Versions.Value[0]));
        Assert.Throws<ArgumentException>(() => fewer.Offer(Versions.Value[0]));
    }

    [Fact]
    public async Task Offer_WhileScoring_EveryProfileScoredByOneCompleteVersion()
    {
        // Expected score of every row under every version, from separate sessions.
        var (rows, _) = TestData.Labelled;
        var expected = Versions.Value.Select(a =>
        {
            using var scorer = new OnnxScorer(a);
            return scorer.ScoreAll(rows);
        }).ToArray();
        using var slot = new ModelSlot(ModelKind.Autoencoder, SyntheticProfiles.Names);
        slot.Offer(Versions.Value[0]);
        var swapped = 0;
        using var offering = new CancellationTokenSource();

        var offers = Task.Run(() =>
        {
            foreach (var artifact in Versions.Value.Skip(1))
            {
                Assert.True(slot.Offer(artifact));
                Interlocked.Increment(ref swapped);
            }
        });

        const int Profiles = 20_000;
        var readings = new ModelReading[Profiles];
        var row = new double[SyntheticProfiles.Features];
        for (var i = 0; i < Profiles; i++)
        {
            var r = i % rows.Rows;
            for (var f = 0; f < row.Length; f++)
            {
                row[f] = rows[r][f];
            }

            readings[i] = slot.Score(row);
            if (i == Profiles / 2)
            {
                await offers;
            }
        }

        Assert.Equal(4, swapped);
        Assert.All(readings, reading => Assert.InRange(reading.Version, 1, 5));
        for (var i = 0; i < Profiles; i++)
        {
            Assert.Equal(expected[readings[i].Version - 1][i % rows.Rows], readings[i].Score, 5);
            Assert.True(i == 0 || readings[i].Version >= readings[i - 1].Version, $"profile {i} went back to an older version");
        }

        Assert.Equal(5, readings[^1].Version);
    }

    private static FeatureMatrix Prefix(FeatureMatrix rows, int count)
    {
        var values = new float[count * rows.Columns];
        for (var r = 0; r < count; r++)
        {
            rows[r].CopyTo(values.AsSpan(r * rows.Columns));
        }

        return new FeatureMatrix(values, rows.Columns);
    }
}
