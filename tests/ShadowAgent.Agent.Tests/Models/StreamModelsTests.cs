using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Agent.Models;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Agent.Tests.Models;

/// <summary>Model updates checked and loaded per stream; refused ones leave the previous model scoring.</summary>
public sealed class StreamModelsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);

    private readonly ManualTimeProvider _time = new(T0);
    private readonly StreamModels _models;
    private readonly AgentStreams _streams;
    private readonly IReadOnlyList<string> _features;
    private int _window;

    public StreamModelsTests() : this(null)
    {
    }

    private StreamModelsTests(Func<ModelSlot, ModelArtifact, bool>? offer)
    {
        var stream = ModelFiles.Stream();
        var options = new AgentOptions { Streams = [stream] };
        _features = ModelFiles.Features(stream);
        _models = offer is null
            ? new StreamModels(options, NullLogger<StreamModels>.Instance)
            : new StreamModels(options, NullLogger.Instance, offer);
        _streams = new AgentStreams(options, _time, _models);
    }

    public void Dispose() => _models.Dispose();

    /// <summary>Closes one window of 100 records at <paramref name="latency"/> and returns its profile.</summary>
    private WindowProfile Window(double latency = 40)
    {
        var windows = _streams.Streams[0].Windows;
        var sink = windows.Open();
        sink.BeginBatch();
        for (var i = 0; i < 100; i++)
        {
            sink.OnRecord(new RecordView(100, [], 0, [latency], 1, 0));
        }

        sink.EndBatch();
        windows.Close(sink);
        _time.Advance(TimeSpan.FromSeconds(1));
        _window++;
        return Assert.Single(_streams.CloseDue(_time.GetUtcNow()));
    }

    [Fact]
    public void Apply_BothKinds_LoadedAndTheNextWindowCarriesTheirReadings()
    {
        var before = Window();
        Assert.Empty(before.Anomaly!.Models);

        var forest = _models.Apply(ModelFiles.Update(ModelFiles.Train(ModelKind.IsolationForest, 1, _features)));
        var autoencoder = _models.Apply(ModelFiles.Update(ModelFiles.Train(ModelKind.Autoencoder, 1, _features)));
        Assert.Equal((true, "loaded"), (forest.Loaded, forest.Message));
        Assert.Equal(("autoencoder-1", 1u, true), (autoencoder.ModelId, autoencoder.Version, autoencoder.Loaded));

        var after = Window();
        Assert.Equal([("autoencoder", 1L), ("isolation-forest", 1L)], after.Anomaly!.Models.Select(m => (m.Kind, m.Version)).Order());
        Assert.All(after.Anomaly.Models, m => Assert.True(double.IsFinite(m.Score) && m.Threshold > 0, $"{m}"));
    }

    [Fact]
    public void Apply_UnusualWindow_ModelsRaiseTheScoreAndNameThemselves()
    {
        Assert.True(_models.Apply(ModelFiles.Update(ModelFiles.Train(ModelKind.Autoencoder, 1, _features))).Loaded);

        // Latency 50 times what the model was trained on: far beyond its fence.
        var window = Window(latency: 2000);
        var verdict = Assert.Single(window.Anomaly!.Models);
        Assert.True(verdict.Unusual, $"{verdict}");
        var contributor = Assert.Single(window.Anomaly.Contributors, c => c.Detector == "autoencoder");
        Assert.Equal(ModelAnomaly.WholeProfile, contributor.Feature);
        Assert.Equal(verdict.Score / verdict.Threshold, contributor.Statistic, 9);
        Assert.True(window.Anomaly.Severity >= 2, $"severity {window.Anomaly.Severity}");
        Assert.Equal(Math.Min(1, 2 * ModelAnomaly.TailProbability(verdict)!.Value), window.Anomaly.TailProbability, 12);
    }

    [Fact]
    public void Apply_BadUpdates_RefusedWithTheReason_PreviousModelKeepsScoring()
    {
        var good = ModelFiles.Train(ModelKind.IsolationForest, 2, _features);
        Assert.True(_models.Apply(ModelFiles.Update(good)).Loaded);
        var forest = ModelFiles.Train(ModelKind.IsolationForest, 3, _features);

        var wrongHash = ModelFiles.Update(forest);
        wrongHash.Sha256 = new string('0', 64);
        var notOnnx = ModelFiles.Update([1, 2, 3, 4], "isolation-forest", 3);
        var brokenGraph = ModelFiles.Update(ModelFiles.Replace(forest.Onnx, "TreeEnsembleRegressor", "TreeEnsembleRegresxor"), "isolation-forest", 3);
        var otherFeatures = ModelFiles.Update(ModelFiles.Train(ModelKind.IsolationForest, 3, ["records", "bytes_per_record"]));
        var wrongKind = ModelFiles.Update(forest.Onnx.ToArray(), "autoencoder", 3);
        var older = ModelFiles.Update(ModelFiles.Train(ModelKind.IsolationForest, 1, _features));
        var otherStream = ModelFiles.Update(forest, stream: "payments");
        var unknownKind = ModelFiles.Update(forest.Onnx.ToArray(), "random-forest", 3);

        string Refused(ShadowAgent.Protocol.V1.ModelUpdate update)
        {
            var result = _models.Apply(update);
            Assert.False(result.Loaded, $"{update.ModelId} should be refused");
            Assert.Equal((update.ModelId, update.Version), (result.ModelId, result.Version));
            return result.Message;
        }

        Assert.StartsWith("sha256 mismatch: the update says 0000", Refused(wrongHash));
        Assert.StartsWith("not a ShadowAgent ONNX model", Refused(notOnnx));
        Assert.StartsWith("ONNX Runtime refused the model", Refused(brokenGraph));
        Assert.StartsWith("feature mismatch: the model scores 2 features [records, bytes_per_record], stream 'orders' has 9", Refused(otherFeatures));
        Assert.Equal("the file holds isolation-forest v3, the update announces autoencoder v3", Refused(wrongKind));
        Assert.Equal("version 1 is not newer than the isolation-forest model already loaded for 'orders'", Refused(older));
        Assert.Equal("stream 'payments' is not configured here or has detection disabled", Refused(otherStream));
        Assert.StartsWith("unknown model kind 'random-forest'", Refused(unknownKind));

        var window = Window();
        Assert.Equal(("isolation-forest", 2L), (Assert.Single(window.Anomaly!.Models).Kind, window.Anomaly.Models[0].Version));

        // The refused version 3 was never taken as "newest": the good file of the same version still loads.
        Assert.True(_models.Apply(ModelFiles.Update(forest)).Loaded);
        Assert.Equal(3L, Assert.Single(Window().Anomaly!.Models).Version);
    }

    [Fact]
    public void Apply_NativeRuntimeMissing_RefusedOnceLoggedAndStatisticalScoringGoesOn()
    {
        var calls = 0;
        using var test = new StreamModelsTests((_, _) =>
        {
            calls++;
            throw new TypeInitializationException("Microsoft.ML.OnnxRuntime.NativeMethods",
                new DllNotFoundException("Unable to load shared library 'onnxruntime' or one of its dependencies."));
        });

        var first = test._models.Apply(ModelFiles.Update(ModelFiles.Train(ModelKind.Autoencoder, 1, test._features)));
        var second = test._models.Apply(ModelFiles.Update(ModelFiles.Train(ModelKind.IsolationForest, 1, test._features)));

        Assert.False(first.Loaded);
        Assert.Equal("ONNX Runtime native library (libonnxruntime.so beside the agent) could not be loaded: Unable to load shared library 'onnxruntime' or one of its dependencies.", first.Message);
        Assert.Equal((false, first.Message), (second.Loaded, second.Message));
        Assert.Equal(1, calls);
        for (var w = 0; w < 12; w++)
        {
            var window = test.Window();
            Assert.NotNull(window.Anomaly);
            Assert.Empty(window.Anomaly.Models);
        }
    }

    [Fact]
    public async Task Apply_SwapsWhileWindowsClose_EveryWindowScoredByOneCompleteModel()
    {
        var artifacts = Enumerable.Range(1, 8).Select(v => ModelFiles.Train(ModelKind.Autoencoder, v, _features, seed: v)).ToList();
        var offered = Task.Run(() => artifacts.Select(a => _models.Apply(ModelFiles.Update(a))).ToList());

        var versions = new List<long>();
        const int Windows = 400;
        for (var w = 0; w < Windows; w++)
        {
            var anomaly = Window(latency: 40 + (w % 3)).Anomaly;
            Assert.NotNull(anomaly);
            versions.Add(anomaly.Models.Count == 0 ? 0 : Assert.Single(anomaly.Models).Version);
        }

        Assert.All(await offered, r => Assert.True(r.Loaded, r.Message));
        Assert.Equal(Windows, _window);
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(8L, Window().Anomaly!.Models[0].Version);
    }
}
