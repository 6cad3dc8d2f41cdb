using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Models.Autoencoder;
using ShadowAgent.Models.Forest;
using ShadowAgent.Models.Runtime;
using ShadowAgent.Models.Training;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Models;

/// <summary>
/// Trains each stream's learned detectors (isolation forest and autoencoder) from its stored profiles, stores them as new
/// versions and ships them to every connected agent that has the stream; an agent that connects later gets the newest
/// versions right after its Welcome. One model per stream name across hosts, not per host: hosts of a stream are
/// replicas of one service, so the fleet's windows are one population, a new host is covered from its first window, and
/// training runs once per stream instead of once per host. Runs every <see cref="ModelRefreshOptions.RefreshInterval"/>
/// (first after one interval, on the injected clock) and on request; one training at a time, off the request threads.
/// </summary>
internal sealed class ModelRefresh(
    ModelRegistry registry,
    StoreReader reader,
    MetadataStore store,
    AgentConnections connections,
    AggregatorOptions aggregatorOptions,
    TimeProvider time,
    ILogger<ModelRefresh> logger) : BackgroundService
{
    /// <summary>The capability an agent lists in Hello when it loads model updates.</summary>
    public const string Capability = "models.onnx";

    private readonly ModelRefreshOptions _options = aggregatorOptions.Models;
    private readonly SemaphoreSlim _training = new(1, 1);
    private long _rounds;

    /// <summary>Scheduled rounds completed (tests wait on it instead of sleeping).</summary>
    internal long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Retrains every stream that has new whole windows (or every stream when <paramref name="force"/>).</summary>
    public async Task<List<RetrainOutcome>> RetrainAllAsync(bool force, CancellationToken cancellationToken)
    {
        var outcomes = new List<RetrainOutcome>();
        foreach (var name in reader.ListStreamNames())
        {
            try
            {
                outcomes.Add(await RetrainAsync(name.Name, force, cancellationToken));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One stream's failure (a degenerate history) must not keep the others from their models.
                ModelsLog.Failed(logger, name.Name, exception);
            }
        }

        return outcomes;
    }

    /// <summary>Trains both models of <paramref name="stream"/> when it has enough whole windows (and, unless
    /// <paramref name="force"/>, a window newer than its newest model), stores them and ships them.</summary>
    public async Task<RetrainOutcome> RetrainAsync(string stream, bool force, CancellationToken cancellationToken)
    {
        await _training.WaitAsync(cancellationToken);
        try
        {
            var hosts = reader.FindStreamsByName(stream);
            if (hosts.Count == 0)
            {
                return NotTrained(stream, RetrainOutcome.UnknownStream, 0, $"no host has a stream '{stream}'");
            }

            var group = LargestConfiguration(hosts);
            var features = new StoredProfileFeatures(group[0].NumericFields, group[0].KeyFields);
            var set = await Task.Run(() => TrainingSet.Load(store.Path, group, features, _options.MaxProfiles), cancellationToken);
            var rows = set?.Rows.Rows ?? 0;
            if (set is null || rows < _options.MinProfiles)
            {
                return NotTrained(stream, RetrainOutcome.NotEnoughProfiles, rows,
                    $"{rows} whole windows stored; Aggregator:Models:MinProfiles is {_options.MinProfiles}");
            }

            if (set.Undecodable > 0)
            {
                ModelsLog.Undecodable(logger, stream, set.Undecodable);
            }

            var latest = registry.Latest(stream);
            if (!force && latest.Count == 2 && latest.All(m => m.DataThroughMs >= set.DataThroughMs && m.Features.SequenceEqual(features.Names)))
            {
                return NotTrained(stream, RetrainOutcome.Unchanged, rows, "no whole window newer than its newest models");
            }

            var trained = await Task.Run(() => Train(stream, features.Names, set), cancellationToken);
            var stored = await registry.AddAsync(trained, _options.KeepVersions, cancellationToken);
            foreach (var m in stored)
            {
                ModelsLog.Trained(logger, stream, m.Kind, m.Version, m.Rows, m.Hosts, m.TrainingMs, m.SizeBytes, m.Threshold, m.FlaggedShare);
            }

            var shipped = 0;
            foreach (var hostId in connections.HostIds)
            {
                if (connections.TryGet(hostId, out var connection))
                {
                    shipped += Ship(connection, stored);
                }
            }

            return new RetrainOutcome(stream, RetrainOutcome.Trained, rows, stored, shipped, null);
        }
        finally
        {
            _training.Release();
        }
    }

    /// <summary>Queues the newest models of every stream the agent has (called right after its Welcome).</summary>
    public int OfferLatest(AgentConnection connection)
    {
        if (connection.Hello is not { } hello || !hello.Capabilities.Contains(Capability))
        {
            return 0;
        }

        var queued = 0;
        foreach (var stream in hello.Streams)
        {
            queued += Ship(connection, registry.Latest(stream.Name));
        }

        return queued;
    }

    /// <summary>Keeps an agent's answer to a model update.</summary>
    public async Task RecordResultAsync(string hostId, ModelUpdateResult result, CancellationToken cancellationToken)
    {
        ModelsLog.Result(logger, hostId, result.ModelId, result.Version, result.Loaded ? "loaded" : "rejected", result.Message);
        await registry.RecordResultAsync(hostId, result.ModelId, result.Version, result.Loaded, result.Message, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.RefreshInterval <= TimeSpan.Zero)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.RefreshInterval, time, stoppingToken);
                await RetrainAllAsync(force: false, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ModelsLog.RoundFailed(logger, exception);
            }

            Interlocked.Increment(ref _rounds);
        }
    }

    public override void Dispose()
    {
        _training.Dispose();
        base.Dispose();
    }

    /// <summary>Hosts may configure a stream differently (other fields, so other features); the models follow the
    /// configuration most hosts have (the most recently active on a tie) and only those hosts' profiles.</summary>
    private static List<StreamRow> LargestConfiguration(List<StreamRow> hosts) =>
        hosts.GroupBy(h => string.Join(',', h.NumericFields) + "|" + string.Join(',', h.KeyFields), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenByDescending(g => g.Max(h => h.LastWindowEndMs ?? 0))
            .First()
            .ToList();

    private List<NewModel> Train(string stream, IReadOnlyList<string> features, TrainingSet set)
    {
        var trainer = new ModelTrainer(features, new IsolationForestOptions { Trees = _options.ForestTrees },
            new AutoencoderOptions { Epochs = _options.AutoencoderEpochs }, time);
        var models = new List<NewModel>(2);
        foreach (var kind in new[] { ModelKind.IsolationForest, ModelKind.Autoencoder })
        {
            var name = ModelKindNames.Name(kind);
            var version = registry.NextVersion(stream, name);
            var started = Stopwatch.GetTimestamp();
            var artifact = kind == ModelKind.IsolationForest
                ? trainer.TrainIsolationForest(set.Rows, version)
                : trainer.TrainAutoencoder(set.Rows, version);
            var trainingMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            // Scored by ONNX Runtime as the agents will: proves the file loads before it is shipped, and says how much
            // of its own history the fence flags.
            float[] scores;
            using (var scorer = new OnnxScorer(artifact))
            {
                scores = scorer.ScoreAll(set.Rows);
            }

            var flagged = scores.Count(s => s >= artifact.Info.Threshold) / (double)scores.Length;
            models.Add(new NewModel(stream, name, version, artifact.Info.Precision.ToString(), artifact.Info.Features, artifact.Info.Threshold,
                artifact.Sha256, artifact.Onnx.ToArray(), artifact.Info.TrainedAt.ToUnixTimeMilliseconds(), set.Rows.Rows, set.Hosts,
                set.DataThroughMs, trainingMs, flagged));
        }

        return models;
    }

    /// <summary>Queues each model to the agent if it lists the capability and has the model's stream with the model's
    /// features (a host configured otherwise would refuse it).</summary>
    private int Ship(AgentConnection connection, IReadOnlyList<ModelRow> models)
    {
        if (connection.Hello is not { } hello || !hello.Capabilities.Contains(Capability))
        {
            return 0;
        }

        var shipped = 0;
        foreach (var model in models)
        {
            var descriptor = hello.Streams.FirstOrDefault(s => s.Name == model.Stream);
            if (descriptor is null ||
                !new StoredProfileFeatures(descriptor.NumericFields, descriptor.KeyFields).Names.SequenceEqual(model.Features, StringComparer.Ordinal) ||
                registry.ReadOnnx(model.ModelId) is not { } onnx)
            {
                continue;
            }

            var update = new ModelUpdate
            {
                ModelId = model.ModelId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Kind = model.Kind,
                Version = (uint)model.Version,
                Stream = model.Stream,
                Onnx = ByteString.CopyFrom(onnx),
                Sha256 = model.Sha256,
            };
            if (connection.TrySend(new AggregatorMessage { ModelUpdate = update }))
            {
                shipped++;
            }
            else
            {
                ModelsLog.QueueFull(logger, connection.HostId, model.ModelId);
            }
        }

        return shipped;
    }

    private RetrainOutcome NotTrained(string stream, string status, int rows, string detail)
    {
        ModelsLog.NotTrained(logger, stream, detail);
        return new RetrainOutcome(stream, status, rows, [], 0, detail);
    }
}
