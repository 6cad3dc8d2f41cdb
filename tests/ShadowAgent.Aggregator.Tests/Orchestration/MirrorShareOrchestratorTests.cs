using System.Text.Json;
using ShadowAgent.Aggregator.Hosting;

namespace ShadowAgent.Aggregator.Tests.Orchestration;

/// <summary>The shadow rule and the share controller in the real aggregator, with a test agent over AgentLink.</summary>
public sealed class MirrorShareOrchestratorTests
{
    private static string[] Config(params string[] extra) =>
    [
        "--Aggregator:Orchestrator:Enabled=true",
        "--Aggregator:Orchestrator:Targets:web:Host=host-a",
        "--Aggregator:Orchestrator:Targets:web:Target=cgroup:shadow/web",
        "--Aggregator:Orchestrator:Targets:web:ResourceStream=web-probe",
        "--Aggregator:Orchestrator:Targets:web:WorkloadStreams:0=orders",
        "--Aggregator:Orchestrator:Targets:web:InitialCpuCores=2",
        "--Aggregator:Orchestrator:Targets:web:ShadowStream=checkout-mirror",
        "--Aggregator:Orchestrator:Targets:web:ShadowLatencyRatio=1.5",
        "--Aggregator:Orchestrator:Targets:web:ShadowErrorRate=0.05",
        "--Aggregator:Orchestrator:Targets:web:MirrorShare:InitialShare=0.1",
        "--Aggregator:Orchestrator:Targets:web:MirrorShare:MaxShare=0.4",
        "--Aggregator:Orchestrator:Targets:web:MirrorShare:Cooldown=00:00:20",
        .. extra,
    ];

    private static async Task<JsonElement> ChangesAsync(TestAggregator aggregator, int count, Func<JsonElement, bool> ready, string what)
    {
        JsonElement changes = default;
        await Eventually.Until(() =>
        {
            changes = aggregator.GetJsonAsync("/api/v1/mirror-shares?target=web").GetAwaiter().GetResult().GetProperty("changes").Clone();
            return changes.GetArrayLength() == count && changes.EnumerateArray().All(ready);
        }, what);
        return changes;
    }

    [Fact]
    public async Task Orchestrator_ShadowSlowThenCostly_ScalesUpRaisesThenLowersTheShare()
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config());
        await using var agent = await FakeAgent.ConnectAsync(aggregator);

        // Window 0: production is calm, the shadow's p99 is 3.2 × production's.
        await agent.SendAsync(FakeAgent.ProbeProfile(0, util: 0.5, coresUsed: 1, limit: 2), FakeAgent.MirrorProfile(0, primaryP99: 50, shadowP99: 160));
        var resize = await agent.NextCommandAsync();
        Assert.Equal(3, resize.CpuCores);
        Assert.Equal("shadow_degradation: shadow.latency_p99_ratio[checkout-mirror] 3.2 vs ShadowLatencyRatio 1.5", resize.Reason);
        var raise = await agent.NextShareAsync();
        Assert.Equal(("checkout-mirror", 0.2), (raise.Stream, raise.Share));
        Assert.Equal("useful: shadow.latency_p99_ratio 3.2 >= ShadowLatencyRatio 1.5", raise.Reason);
        await agent.AnswerShareAsync(raise);

        // Window 1 (10 s later): within the share cooldown, nothing changes. Window 3: the host is saturated → lowered.
        await agent.SendAsync(FakeAgent.ProbeProfile(1, util: 0.5, coresUsed: 1.5, limit: 3), FakeAgent.MirrorProfile(1, 50, 160));
        await agent.SendAsync(FakeAgent.ProbeProfile(3, util: 0.95, coresUsed: 2.9, limit: 3), FakeAgent.MirrorProfile(3, 50, 160));
        var lower = await agent.NextShareAsync();
        Assert.Equal(0.1, lower.Share);
        Assert.Equal("cost: cpu.util 0.95 >= CostCpuUtilization 0.9", lower.Reason);
        await agent.AnswerShareAsync(lower, applied: false, message: "no http-mirror stream named 'checkout-mirror' on this agent");

        var changes = await ChangesAsync(aggregator, 2, c => c.GetProperty("applied").ValueKind != JsonValueKind.Null, "both results stored");
        var newest = changes[0];
        Assert.Equal(("lower", 0.2, 0.1, false), (newest.GetProperty("direction").GetString(), newest.GetProperty("fromShare").GetDouble(),
            newest.GetProperty("toShare").GetDouble(), newest.GetProperty("applied").GetBoolean()));
        Assert.Equal("no http-mirror stream named 'checkout-mirror' on this agent", newest.GetProperty("message").GetString());
        var oldest = changes[1];
        Assert.Equal(("raise", true, 0.2, true), (oldest.GetProperty("direction").GetString(), oldest.GetProperty("sent").GetBoolean(),
            oldest.GetProperty("shareInForce").GetDouble(), oldest.GetProperty("applied").GetBoolean()));
        Assert.Equal(raise.CommandId, oldest.GetProperty("commandId").GetString());

        var decisions = (await aggregator.GetJsonAsync("/api/v1/decisions?target=web")).GetProperty("decisions");
        var up = decisions.EnumerateArray().Single(d => d.GetProperty("action").GetString() == "up");
        Assert.Equal("shadow_degradation", up.GetProperty("triggers")[0].GetProperty("rule").GetString());
        Assert.Equal(3.2, up.GetProperty("inputs").GetProperty("shadowLatencyRatio").GetDouble(), 9);
    }

    [Fact]
    public async Task MirrorShares_UnknownTargetOrBadLimit_ClearErrors()
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config());

        var missing = await aggregator.GetJsonAsync("/api/v1/mirror-shares?target=nope", System.Net.HttpStatusCode.NotFound);
        var bad = await aggregator.GetJsonAsync("/api/v1/mirror-shares?limit=0", System.Net.HttpStatusCode.BadRequest);

        Assert.Equal("target 'nope' is not configured", missing.GetProperty("detail").GetString());
        Assert.Equal("limit '0' must be an integer from 1 to 1000", bad.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("--Aggregator:Orchestrator:Targets:web:MirrorShare:MaxShar=0.3", "Aggregator:Orchestrator:Targets:web:MirrorShare:MaxShar: unknown key")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:MirrorShare:MinShare=0.5", "Aggregator:Orchestrator:Targets:web:MirrorShare:MaxShare: '0.4' must be at least MinShare '0.5'")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:ShadowLatencyRatio=-1", "Aggregator:Orchestrator:Targets:web:ShadowLatencyRatio: '-1'")]
    public void Build_BadShadowKey_ErrorNamesKey(string arg, string expected)
    {
        var directory = TestAggregator.NewDirectory();
        var error = Assert.Throws<AggregatorConfigException>(() => AggregatorHost.Build(TestAggregator.Args(directory, [.. Config(), arg])));
        Assert.Contains(error.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
