using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Tests;

/// <summary>The training and labelled test sets every model test uses, built once.</summary>
internal static class TestData
{
    public static readonly FeatureMatrix Training = SyntheticProfiles.Generate(2000, 20, seed: 7).Rows;

    public static readonly (FeatureMatrix Rows, OutlierKind[] Kinds) Labelled = SyntheticProfiles.Generate(1000, 60, seed: 11);

    public static readonly DateTimeOffset TrainedAt = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ModelTrainer Trainer() => new(SyntheticProfiles.Names, time: new ManualTimeProvider(TrainedAt));
}
