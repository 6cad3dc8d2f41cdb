using System.Security.Cryptography;
using ShadowAgent.Aggregator.Models;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Tests;

/// <summary>The refresh schedule on a hand-driven clock, and models shipped to agents with their answers stored.</summary>
public sealed class ModelRefreshTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(Agents.T0) + TimeSpan.FromHours(1);

    [Fact]
    public async Task Schedule_EachInterval_RetrainsOnlyStreamsWithNewWindows()
    {
        var time = new ManualTimeProvider(Start);
        await using var aggregator = await TestAggregator.StartAsync(null, time, [.. ModelTestData.FastTraining, "--Aggregator:Models:RefreshInterval=00:10:00"]);
        var refresh = aggregator.Get<ModelRefresh>();
        var registry = aggregator.Get<ModelRegistry>();
        var call = await ModelTestData.StoreAsync(aggregator, Agents.Hello(), 0, 30);

        // Nothing before the first interval has passed.
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, refresh.Rounds);
        Assert.Empty(registry.List(null));

        time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.Until(() => refresh.Rounds == 1, "the first scheduled round");
        Assert.Equal([1L, 1L], registry.List("orders").Select(m => m.Version));

        // No new window: the next round leaves the models as they are.
        time.Advance(TimeSpan.FromMinutes(10));
        await Eventually.Until(() => refresh.Rounds == 2, "the second scheduled round");
        Assert.Equal(2, registry.List("orders").Count);

        await Agents.SendBatchAsync(call, 2, ModelTestData.Profiles(30, 3));
        time.Advance(TimeSpan.FromMinutes(10));
        await Eventually.Until(() => refresh.Rounds == 3, "the third scheduled round");
        Assert.Equal([2L, 2L], registry.Latest("orders").Select(m => m.Version));
        Assert.Equal(33, registry.Latest("orders")[0].Rows);
        await Agents.CloseAsync(call);
    }

    [Fact]
    public async Task Schedule_ZeroInterval_NeverTrains()
    {
        var time = new ManualTimeProvider(Start);
        await using var aggregator = await TestAggregator.StartAsync(null, time, [.. ModelTestData.FastTraining, "--Aggregator:Models:RefreshInterval=0"]);
        var call = await ModelTestData.StoreAsync(aggregator, Agents.Hello(), 0, 30);
        var pending = time.PendingTimers;

        time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, aggregator.Get<ModelRefresh>().Rounds);
        Assert.Empty(aggregator.Get<ModelRegistry>().List(null));
        Assert.True(pending <= 1, $"{pending} timers pending: only the retention pruner's is expected");
        await Agents.CloseAsync(call);
    }

    [Fact]
    public async Task Retrain_ConnectedAgentWithCapability_GetsBothModelsAndItsAnswersAreStored()
    {
        await using var aggregator = await TestAggregator.StartAsync(extra: ModelTestData.FastTraining);
        var agent = await ModelTestData.StoreAsync(aggregator, ModelTestData.ModelHello(), 0, 30);
        var (plain, _) = await aggregator.ConnectAsync(Agents.Hello("host-b", 7));   // no models.onnx capability

        var retrained = await ModelTestData.RetrainAsync(aggregator, "?stream=orders");
        Assert.Equal(2, retrained.GetProperty("streams")[0].GetProperty("shipped").GetInt32());
        var updates = new[] { await ModelTestData.NextModelUpdateAsync(agent), await ModelTestData.NextModelUpdateAsync(agent) };
        Assert.Equal(["autoencoder", "isolation-forest"], updates.Select(u => u.Kind).Order());
        foreach (var update in updates)
        {
            Assert.Equal(("orders", 1u), (update.Stream, update.Version));
            Assert.Equal(update.Sha256, Convert.ToHexStringLower(SHA256.HashData(update.Onnx.Span)));
        }

        await agent.RequestStream.WriteAsync(new AgentMessage { ModelResult = new ModelUpdateResult { ModelId = updates[0].ModelId, Version = 1, Loaded = true, Message = "loaded" } });
        await agent.RequestStream.WriteAsync(new AgentMessage { ModelResult = new ModelUpdateResult { ModelId = updates[1].ModelId, Version = 1, Loaded = false, Message = "sha256 mismatch" } });
        await agent.RequestStream.WriteAsync(new AgentMessage { ModelResult = new ModelUpdateResult { ModelId = "4711", Version = 1, Loaded = true } });
        var registry = aggregator.Get<ModelRegistry>();
        await Eventually.Until(() => registry.Results([.. registry.List("orders").Select(m => m.ModelId)]).Count == 2, "both answers stored");

        var list = await aggregator.GetJsonAsync("/api/v1/models?stream=orders");
        var answers = list.GetProperty("models").EnumerateArray()
            .ToDictionary(m => m.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), m => Assert.Single(m.GetProperty("results").EnumerateArray()));
        Assert.Equal(("host-a", true), (answers[updates[0].ModelId].GetProperty("host").GetString(), answers[updates[0].ModelId].GetProperty("loaded").GetBoolean()));
        Assert.Equal("sha256 mismatch", answers[updates[1].ModelId].GetProperty("message").GetString());
        await Agents.CloseAsync(agent);
        await Agents.CloseAsync(plain);
    }

    [Fact]
    public async Task Hello_AfterTraining_AgentGetsTheNewestVersions()
    {
        await using var aggregator = await TestAggregator.StartAsync(extra: ModelTestData.FastTraining);
        var first = await ModelTestData.StoreAsync(aggregator, Agents.Hello(), 0, 30);
        await ModelTestData.RetrainAsync(aggregator, "?stream=orders");
        await ModelTestData.RetrainAsync(aggregator, "?stream=orders");
        await Agents.CloseAsync(first);

        var (late, _) = await aggregator.ConnectAsync(ModelTestData.ModelHello("host-c", 9));
        var updates = new[] { await ModelTestData.NextModelUpdateAsync(late), await ModelTestData.NextModelUpdateAsync(late) };
        Assert.Equal([("autoencoder", 2u), ("isolation-forest", 2u)], updates.Select(u => (u.Kind, u.Version)).Order());
        await Agents.CloseAsync(late);
    }

    [Fact]
    public async Task Hello_OtherStreamFields_GetsNoModel()
    {
        await using var aggregator = await TestAggregator.StartAsync(extra: ModelTestData.FastTraining);
        var first = await ModelTestData.StoreAsync(aggregator, Agents.Hello(), 0, 30);
        await ModelTestData.RetrainAsync(aggregator, "?stream=orders");

        var other = ModelTestData.ModelHello("host-d", 11);
        other.Streams[0].NumericFields.Add("size");
        var (call, _) = await aggregator.ConnectAsync(other);
        Assert.Equal(0, aggregator.Get<ModelRefresh>().OfferLatest(
            aggregator.Get<ShadowAgent.Aggregator.Ingest.AgentConnections>().TryGet("host-d", out var connection) ? connection : throw new InvalidOperationException("not connected")));
        await Agents.CloseAsync(call);
        await Agents.CloseAsync(first);
    }
}
