using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Models;
using ShadowAgent.Agent.Tests.Uplink;
using ShadowAgent.Agent.Uplink;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Models.Training;
using Kind = ShadowAgent.Protocol.V1.AgentMessage.BodyOneofCase;

namespace ShadowAgent.Agent.Tests.Models;

/// <summary>Model updates over the real uplink stream: answered with a result, while batches keep flowing.</summary>
public sealed class UplinkModelUpdateTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);

    private readonly ManualTimeProvider _time = new(T0);
    private readonly UplinkMetrics _metrics = new();
    private FakeAggregator _server = null!;
    private StreamModels _models = null!;
    private UplinkService _uplink = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeAggregator.StartAsync();
        _server.AutoAck = true;
        var options = new AgentOptions
        {
            HostId = "host-1",
            Aggregator = new AggregatorOptions { Endpoint = _server.Address, HeartbeatInterval = TimeSpan.FromMinutes(5), AckTimeout = TimeSpan.FromMinutes(10) },
            Streams = [ModelFiles.Stream()],
        };
        _models = new StreamModels(options, NullLogger<StreamModels>.Instance);
        _uplink = new UplinkService(options, new ProfileSpool(64), _time, NullLogger<UplinkService>.Instance, _metrics, new Random(42), models: _models);
        await _uplink.StartAsync(CancellationToken.None);
        await Eventually.Until(() => _uplink.Sessions == 1, "the session is welcomed");
    }

    public async Task DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.Zero);
        await _uplink.StopAsync(cts.Token);
        _uplink.Dispose();
        _models.Dispose();
        await _server.DisposeAsync();
        _metrics.Dispose();
    }

    private static WindowProfile Profile(int window) => new()
    {
        Stream = "orders",
        WindowStart = T0.AddSeconds(window),
        WindowEnd = T0.AddSeconds(window + 1),
        Covered = TimeSpan.FromSeconds(1),
        Volume = new VolumeCounters { Parsed = 10, Bytes = 1000 },
        NumericFields = ["latency_ms"],
        Numeric = [NumericSummary.Empty],
    };

    [Fact]
    public async Task ModelUpdates_GoodAndBad_AnsweredWhileEveryBatchArrives()
    {
        var features = ModelFiles.Features(ModelFiles.Stream());
        var good = ModelFiles.Update(ModelFiles.Train(ModelKind.Autoencoder, 1, features), modelId: "7");
        var bad = ModelFiles.Update(ModelFiles.Train(ModelKind.IsolationForest, 1, features), modelId: "8");
        bad.Onnx = Google.Protobuf.ByteString.CopyFrom(bad.Onnx.Span[..^1]);

        _uplink.Publish([Profile(0)]);
        _server.Send(new() { ModelUpdate = bad });
        _uplink.Publish([Profile(1)]);
        _server.Send(new() { ModelUpdate = good });
        _uplink.Publish([Profile(2)]);

        var results = new Dictionary<string, ShadowAgent.Protocol.V1.ModelUpdateResult>();
        var sequences = new List<ulong>();
        while (results.Count < 2 || sequences.Count < 3)
        {
            var message = await _server.NextAsync();
            if (message.BodyCase == Kind.ModelResult)
            {
                results[message.ModelResult.ModelId] = message.ModelResult;
            }
            else if (message.BodyCase == Kind.Profiles)
            {
                sequences.Add(message.Profiles.Sequence);
            }
        }

        Assert.Equal([1ul, 2ul, 3ul], sequences);
        Assert.Equal((true, 1u), (results["7"].Loaded, results["7"].Version));
        Assert.False(results["8"].Loaded);
        Assert.StartsWith("sha256 mismatch", results["8"].Message);
    }
}
