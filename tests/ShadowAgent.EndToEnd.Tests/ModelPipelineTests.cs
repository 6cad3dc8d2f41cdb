using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Agent.Uplink;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Aggregator.Models;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Detection.Profiles;
using ShadowAgent.EndToEnd.Tests.Harness;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.EndToEnd.Tests;

/// <summary>
/// The learned detectors' whole loop: the aggregator trains from the profiles a real agent sent, ships the models over
/// the agent's stream, the agent loads them and its next profiles carry their scores; a bad update is refused and
/// nothing is lost.
/// </summary>
public sealed class ModelPipelineTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);

    [Fact]
    public void StoredProfileFeatures_ProfilesTheAgentClosed_SameVectorAsTheAgentScored()
    {
        var stream = new StreamOptions
        {
            Name = "orders",
            Tap = new TapOptions { Address = "127.0.0.1:7410" },
            KeyFields = ["user.id", "route"],
            NumericFields = ["latency_ms", "size"],
            Window = TimeSpan.FromSeconds(1),
        };
        var time = new ManualTimeProvider(T0);
        var streams = new AgentStreams(new AgentOptions { Streams = [stream] }, time);
        var agent = new ProfileFeatures(stream.NumericFields, stream.KeyFields);
        var stored = new StoredProfileFeatures(stream.NumericFields, stream.KeyFields);
        Assert.Equal(agent.Names, stored.Names);

        var random = new Random(11);
        var agentValues = new double[agent.Names.Count];
        var storedValues = new double[stored.Names.Count];
        var compared = 0;
        var keys = new KeyHash128[2];
        var numbers = new double[2];
        for (var w = 0; w < 80; w++)
        {
            var windows = streams.Streams[0].Windows;
            var sink = windows.Open();
            sink.BeginBatch();

            // Some windows are empty, some lack a field or a key, some have errors and drops: every "no value" path.
            var records = w % 9 == 4 ? 0 : random.Next(1, 400);
            for (var i = 0; i < records; i++)
            {
                keys[0] = KeyHash.Of128(System.Text.Encoding.UTF8.GetBytes($"u{random.Next(0, 50)}"));
                keys[1] = KeyHash.Of128(System.Text.Encoding.UTF8.GetBytes($"/r{(int)Math.Sqrt(random.Next(0, 64))}"));
                numbers[0] = Math.Exp(random.NextDouble() * 5);
                numbers[1] = random.Next(100, 5000);
                var keysPresent = w % 7 == 3 ? 0b01ul : 0b11ul;
                var numbersPresent = w % 5 == 2 ? 0b01ul : 0b11ul;
                sink.OnRecord(new RecordView(120 + (i % 30), keys, keysPresent, numbers, numbersPresent, 0));
            }

            if (w % 4 == 1)
            {
                sink.OnError(RecordError.Malformed, 40);
                sink.OnDropped(3, 300);
            }

            sink.EndBatch();
            windows.Close(sink);
            time.Advance(TimeSpan.FromSeconds(1));
            foreach (var closed in streams.CloseDue(time.GetUtcNow()))
            {
                // One window in ten also carries schema drift (schema comes from the tap's record shapes).
                var profile = w % 10 == 5 ? WithDrift(closed) : closed;
                agent.Extract(profile, agentValues);
                stored.Extract(ShadowProfile.Parser.ParseFrom(ProfileMapper.ToProto(profile).ToByteArray()), storedValues);
                for (var f = 0; f < agentValues.Length; f++)
                {
                    Assert.True(agentValues[f].Equals(storedValues[f]), $"window {w}, {agent.Names[f]}: agent {agentValues[f]:R}, stored {storedValues[f]:R}");
                }

                compared++;
            }
        }

        Assert.Equal(80, compared);
    }

    private static WindowProfile WithDrift(WindowProfile p) => new()
    {
        Stream = p.Stream, WindowStart = p.WindowStart, WindowEnd = p.WindowEnd, Covered = p.Covered, Volume = p.Volume,
        NumericFields = p.NumericFields, Numeric = p.Numeric, Hop = p.Hop, Sampling = p.Sampling, Keys = p.Keys, Quantiles = p.Quantiles,
        Spectral = p.Spectral,
        Schema = new SchemaSummary
        {
            Records = p.Volume.Parsed,
            Fields = [],
            Drift = [new SchemaDriftSummary(SchemaDriftSummaryKind.Appeared, "promo", default, default, 0, 0.3), new SchemaDriftSummary(SchemaDriftSummaryKind.Disappeared, "x", default, default, 1, 0)],
        },
    };

    [Fact]
    public async Task Aggregator_TrainsFromAgentProfiles_AgentLoadsModelsAndScoresWithThem_BadUpdateRefusedWithoutLoss()
    {
        using var dir = new TempDirectory();
        await using var aggregator = await RunningAggregator.StartAsync(dir.Path, 0,
            "--Aggregator:Models:MinProfiles=8", "--Aggregator:Models:ForestTrees=3", "--Aggregator:Models:AutoencoderEpochs=10",
            "--Aggregator:Models:RefreshInterval=0");
        var reader = aggregator.App.Services.GetRequiredService<StoreReader>();
        var registry = aggregator.App.Services.GetRequiredService<ModelRegistry>();
        var options = RunningAgent.Options("model-host", aggregator.GrpcUri, "orders", TimeSpan.FromMilliseconds(250));
        options.Streams[0].Detection.Warmup = 4;
        var agent = await RunningAgent.StartAsync(options);

        using var producing = new CancellationTokenSource();
        var sent = 0;
        var producer = Task.Run(async () =>
        {
            using var connection = await Producer.ConnectAsync(agent.Tap);
            var random = new Random(5);
            while (!producing.IsCancellationRequested)
            {
                await connection.SendAsync(Producer.Record(sent, Math.Round(10 + (random.NextDouble() * 30), 2)));
                sent++;
                await Task.Delay(2, CancellationToken.None);
            }

            connection.Finish();
            await connection.WaitForTapCloseAsync(TimeSpan.FromSeconds(20));
        });

        // Enough whole windows stored, then a retraining on request.
        await Eventually.Until(() => WholeProfiles(reader).Count >= 10, "ten whole windows stored");
        using var response = await aggregator.Api.PostAsync(new Uri("/api/v1/models/retrain?stream=orders", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var outcome = JsonDocument.Parse(body).RootElement.GetProperty("streams")[0];
        Assert.Equal(("trained", 2), (outcome.GetProperty("status").GetString(), outcome.GetProperty("shipped").GetInt32()));
        var models = registry.List("orders");
        Assert.Equal(2, models.Count);

        // The agent answers; both loaded.
        await Eventually.Until(() => registry.Results([.. models.Select(m => m.ModelId)]).Count(r => r.Loaded) == 2, "both models loaded by the agent");
        Assert.All(registry.Results([.. models.Select(m => m.ModelId)]), r => Assert.Equal(("model-host", 1L, "loaded"), (r.HostId, r.Version, r.Message)));

        // Its next windows carry both models' readings.
        await Eventually.Until(() => WholeProfiles(reader).Any(p => p.Anomaly?.Models.Count == 2), "a profile scored by both models");
        var scored = WholeProfiles(reader).First(p => p.Anomaly?.Models.Count == 2);
        Assert.Equal(["autoencoder", "isolation-forest"], scored.Anomaly.Models.Select(m => m.Kind).Order());
        Assert.All(scored.Anomaly.Models, m => Assert.True(m.Version == 1 && double.IsFinite(m.Score) && m.Threshold > 0, m.ToString()));

        // A damaged update: refused with the reason, stored as the agent's answer; the version-1 models keep scoring.
        var forest = models.Single(m => m.Kind == "isolation-forest");
        var connections = aggregator.App.Services.GetRequiredService<AgentConnections>();
        Assert.True(connections.TrySend("model-host", new AggregatorMessage
        {
            ModelUpdate = new ModelUpdate
            {
                ModelId = forest.ModelId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Kind = forest.Kind,
                Version = 2,
                Stream = "orders",
                Onnx = ByteString.CopyFrom(registry.ReadOnnx(forest.ModelId)),
                Sha256 = new string('0', 64),
            },
        }));
        await Eventually.Until(() => registry.Results([forest.ModelId]) is [{ Loaded: false } r] && r.Message.StartsWith("sha256 mismatch", StringComparison.Ordinal),
            "the damaged update refused");
        var refusedAt = WholeProfiles(reader).Max(p => p.WindowEndUnixMs);
        await Eventually.Until(() => WholeProfiles(reader).Any(p => p.WindowEndUnixMs > refusedAt && p.Anomaly?.Models.Count == 2),
            "a later window still scored by both version-1 models");

        // Nothing lost: every record the producer sent is stored.
        await producing.CancelAsync();
        await producer;
        await agent.DisposeAsync();
        var stream = await aggregator.WaitForRecordsAsync("model-host", "orders", sent, TimeSpan.FromSeconds(30));
        Assert.Equal(sent, stream.Totals.Records);
        Assert.Equal(sent, stream.Totals.Parsed);
    }

    private static List<ShadowProfile> WholeProfiles(StoreReader reader)
    {
        var streamId = reader.FindStream("model-host", "orders")?.StreamId;
        return streamId is null
            ? []
            : reader.ListProfiles(streamId.Value, 1000, null).Where(p => !p.Partial).Select(p => ShadowProfile.Parser.ParseFrom(p.Payload)).ToList();
    }
}
