using ShadowAgent.Models.Autoencoder;
using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Tests.Autoencoder;

public sealed class AutoencoderTests
{
    private static readonly Lazy<Dictionary<ModelPrecision, (Models.Autoencoder.Autoencoder Model, ModelArtifact Artifact)>> Trained = new(() =>
        Enum.GetValues<ModelPrecision>().ToDictionary(p => p, p => TestData.Trainer().Autoencoder(TestData.Training, version: 5, p)));

    [Theory]
    [InlineData(ModelPrecision.Float32)]
    [InlineData(ModelPrecision.Int8Weights)]
    [InlineData(ModelPrecision.Int8Dynamic)]
    public void Export_EachPrecision_PassesOnnxCheckerAndFitsBudget(ModelPrecision precision)
    {
        var artifact = Trained.Value[precision].Artifact;

        OnnxChecker.Check(artifact.Onnx, $"autoencoder-{precision}");
        Assert.InRange(artifact.SizeBytes, 1, 64 * 1024);
        Assert.Equal(precision, ModelArtifact.Read(artifact.Onnx).Info.Precision);
    }

    [Fact]
    public void Export_Int8Weights_SmallerThanFloat32()
    {
        var fp32 = Trained.Value[ModelPrecision.Float32].Artifact.SizeBytes;

        // The weights are a quarter of the size; the dynamic form adds four nodes per layer, which at this model
        // size outweighs what its int8 weights save (measured in the README).
        Assert.True(Trained.Value[ModelPrecision.Int8Weights].Artifact.SizeBytes < fp32);
    }

    [Theory]
    [InlineData(ModelPrecision.Float32)]
    [InlineData(ModelPrecision.Int8Weights)]
    [InlineData(ModelPrecision.Int8Dynamic)]
    public void Score_EachOutlierKind_ReconstructionErrorSeparatesThem(ModelPrecision precision)
    {
        var (rows, kinds) = TestData.Labelled;
        using var scorer = new OnnxScorer(Trained.Value[precision].Artifact);

        var scores = scorer.ScoreAll(rows);

        foreach (var kind in new[] { OutlierKind.Spike, OutlierKind.Scattered, OutlierKind.Inconsistent })
        {
            var auc = Auc.Of(scores, SyntheticProfiles.Labels(kinds, kind));
            Assert.True(auc > 0.95, $"{kind}: AUC {auc:F4}");
        }

        var ordinary = scores.Where((_, i) => kinds[i] == OutlierKind.None).Order().ToArray();
        var outliers = scores.Where((_, i) => kinds[i] != OutlierKind.None).Order().ToArray();
        Assert.True(outliers[outliers.Length / 2] > 5 * ordinary[ordinary.Length / 2],
            $"outlier median {outliers[outliers.Length / 2]} vs ordinary median {ordinary[ordinary.Length / 2]}");
    }

    [Theory]
    [InlineData(ModelPrecision.Float32)]
    [InlineData(ModelPrecision.Int8Weights)]
    public void Score_OnnxRuntime_MatchesCSharpReferenceWithin1e5(ModelPrecision precision)
    {
        var (model, artifact) = Trained.Value[precision];
        var reference = precision == ModelPrecision.Float32 ? model : new QuantizedAutoencoder(model).WeightOnly;
        var (rows, _) = TestData.Labelled;
        using var scorer = new OnnxScorer(artifact);

        var batch = scorer.ScoreAll(rows);
        for (var r = 0; r < rows.Rows; r++)
        {
            var expected = reference.Error(rows[r]);
            // Relative for the large errors of outliers: float32 carries 7 digits whatever the magnitude.
            var tolerance = 1e-5 * Math.Max(1, Math.Abs(expected));
            Assert.True(Math.Abs(batch[r] - expected) <= tolerance, $"row {r}: ONNX {batch[r]} vs C# {expected}");
            Assert.True(Math.Abs(scorer.Score(rows[r]) - expected) <= tolerance, $"row {r} (one at a time)");
        }
    }

    [Fact]
    public void Score_Int8Dynamic_MatchesItsCSharpReference()
    {
        var (model, artifact) = Trained.Value[ModelPrecision.Int8Dynamic];
        var reference = new QuantizedAutoencoder(model);
        var (rows, _) = TestData.Labelled;
        using var scorer = new OnnxScorer(artifact);

        for (var r = 0; r < rows.Rows; r++)
        {
            var expected = reference.DynamicError(rows[r]);
            // Integer products are exact; measured worst difference 2.5e-7 (relative).
            var tolerance = 1e-5 * Math.Max(1, Math.Abs(expected));
            var actual = scorer.Score(rows[r]);
            Assert.True(Math.Abs(actual - expected) <= tolerance, $"row {r}: ONNX {actual} vs C# {expected}");
        }
    }

    [Theory]
    [InlineData(ModelPrecision.Int8Weights)]
    [InlineData(ModelPrecision.Int8Dynamic)]
    public void Score_Int8_CloseToFloat32(ModelPrecision precision)
    {
        var model = Trained.Value[precision].Model;
        var (rows, _) = TestData.Labelled;
        using var scorer = new OnnxScorer(Trained.Value[precision].Artifact);

        var worst = 0.0;
        for (var r = 0; r < rows.Rows; r++)
        {
            var fp32 = model.Error(rows[r]);
            worst = Math.Max(worst, Math.Abs(scorer.Score(rows[r]) - fp32) / Math.Max(0.1, fp32));
        }

        // Measured worst over the 1,000 rows: 0.039 (weights) and 0.049 (dynamic); means 0.0032 and 0.0036.
        Assert.True(worst < 0.1, $"worst relative difference to float32 {worst:F4}");
    }

    [Fact]
    public void Train_SameSeedAndRows_SameBytes()
    {
        var again = TestData.Trainer().TrainAutoencoder(TestData.Training, version: 5, ModelPrecision.Float32);

        Assert.Equal(Trained.Value[ModelPrecision.Float32].Artifact.Sha256, again.Sha256);
    }

    [Fact]
    public void Quantize_PerColumn_RoundTripsWithinHalfAStep()
    {
        float[] weights = [1f, -0.01f, -0.5f, 0.002f, 0.25f, 0.0f];
        var q = Int8Matrix.Quantize(weights, rows: 3, columns: 2);
        var back = q.Dequantize();

        Assert.Equal(1f / 127, q.Scales[0], 6);
        Assert.Equal(0.01f / 127, q.Scales[1], 6);
        for (var i = 0; i < weights.Length; i++)
        {
            Assert.True(Math.Abs(back[i] - weights[i]) <= (q.Scales[i % 2] / 2) + 1e-9, $"weight {i}");
        }
    }
}
