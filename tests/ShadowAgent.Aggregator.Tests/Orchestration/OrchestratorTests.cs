using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Protocol.V1;
using Status = ShadowAgent.Protocol.V1.CommandResult.Types.Status;

namespace ShadowAgent.Aggregator.Tests.Orchestration;

public sealed class OrchestratorTests
{
    private static string[] Config(params string[] extra) =>
    [
        "--Aggregator:Orchestrator:Enabled=true",
        "--Aggregator:Orchestrator:SettleTime=00:00:30",
        "--Aggregator:Orchestrator:Targets:web:Host=host-a",
        "--Aggregator:Orchestrator:Targets:web:Target=cgroup:shadow/web",
        "--Aggregator:Orchestrator:Targets:web:ResourceStream=web-probe",
        "--Aggregator:Orchestrator:Targets:web:WorkloadStreams:0=orders",
        "--Aggregator:Orchestrator:Targets:web:InitialCpuCores=2",
        "--Aggregator:Orchestrator:Targets:web:RecordsPerCoreSecond=1000",
        "--Aggregator:Orchestrator:Targets:web:SloField=latency_ms",
        "--Aggregator:Orchestrator:Targets:web:SloThreshold=200",
        .. extra,
    ];

    private static async Task<JsonElement> DecisionWhereAsync(TestAggregator aggregator, Func<JsonElement, bool> condition, string what)
    {
        JsonElement found = default;
        await Eventually.Until(() =>
        {
            var decisions = aggregator.GetJsonAsync("/api/v1/decisions?target=web").GetAwaiter().GetResult().GetProperty("decisions");
            foreach (var d in decisions.EnumerateArray())
            {
                if (condition(d))
                {
                    found = d.Clone();
                    return true;
                }
            }

            return false;
        }, what);
        return found;
    }

    private static async Task<JsonElement> TargetAsync(TestAggregator aggregator)
    {
        var targets = await aggregator.GetJsonAsync("/api/v1/targets");
        return targets.GetProperty("targets")[0];
    }

    [Fact]
    public async Task Orchestrator_HighUtilization_SendsResizeRecordsResultAndExplains()
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config());
        await using var agent = await FakeAgent.ConnectAsync(aggregator);

        await agent.SendAsync(FakeAgent.ProbeProfile(0, util: 0.9, coresUsed: 1.8, limit: 2));
        var command = await agent.NextCommandAsync();
        Assert.Equal("cgroup:shadow/web", command.Target);
        Assert.Equal(3.27, command.CpuCores); // served, not throttled: 2 × 0.9 used at the band's middle 0.55
        Assert.False(command.DryRun);
        Assert.Contains("utilization_high: cpu.util 0.9 vs UtilizationHigh 0.8", command.Reason);
        await agent.AnswerAsync(command, Status.Applied, 2, 3.27);

        var decision = await DecisionWhereAsync(aggregator, d => d.GetProperty("command") is { ValueKind: JsonValueKind.Object } c
            && c.GetProperty("status").GetString() == "applied", "the applied result recorded");
        Assert.Equal("up", decision.GetProperty("action").GetString());
        Assert.Equal(2, decision.GetProperty("fromCpuCores").GetDouble());
        Assert.Equal(3.27, decision.GetProperty("toCpuCores").GetDouble());
        var trigger = decision.GetProperty("triggers")[0];
        Assert.Equal("utilization_high", trigger.GetProperty("rule").GetString());
        Assert.Equal("cpu.util", trigger.GetProperty("input").GetString());
        Assert.Equal(0.9, trigger.GetProperty("value").GetDouble());
        Assert.Equal("UtilizationHigh", trigger.GetProperty("threshold").GetString());
        Assert.Equal(0.8, trigger.GetProperty("limit").GetDouble());
        Assert.Equal(0.9, decision.GetProperty("inputs").GetProperty("cpuUtilization").GetDouble());
        var recorded = decision.GetProperty("command");
        Assert.Equal(command.CommandId, recorded.GetProperty("id").GetString());
        Assert.Equal("2", recorded.GetProperty("before").GetProperty("cpu_cores").GetString());
        Assert.Equal("3.27", recorded.GetProperty("after").GetProperty("cpu_cores").GetString());
        Assert.True(recorded.GetProperty("sent").GetBoolean());
        Assert.True(decision.GetProperty("latencyMs").GetDouble() >= 0);
        Assert.Equal(3.27, (await TargetAsync(aggregator)).GetProperty("cpuCores").GetDouble());

        var metrics = await aggregator.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("shadow_aggregator_orchestrator_decision_duration_milliseconds_count{action=\"up\"} 1", metrics);
        Assert.Contains("shadow_aggregator_orchestrator_command_results_total{status=\"applied\"} 1", metrics);
    }

    [Fact]
    public async Task Orchestrator_StarvedAfterScaleUp_LearnsMoreHeadroomAndKeepsItAcrossRestart()
    {
        var directory = TestAggregator.NewDirectory();
        double headroom;
        await using (var aggregator = await TestAggregator.StartAsync(directory, null, Config()))
        {
            await using var agent = await FakeAgent.ConnectAsync(aggregator);
            await agent.SendAsync(FakeAgent.ProbeProfile(0, util: 0.9, coresUsed: 1.8, limit: 2));
            var command = await agent.NextCommandAsync();
            await agent.AnswerAsync(command, Status.Applied, 2, 3);
            await DecisionWhereAsync(aggregator, d => d.GetProperty("command") is { ValueKind: JsonValueKind.Object } c
                && c.GetProperty("status").GetString() == "applied", "the applied result recorded");

            // Still starved after the change: throttled, busy, and the workload breaches its latency SLO.
            for (var w = 1; w <= 4; w++)
            {
                await agent.SendAsync(
                    FakeAgent.WorkloadProfile(w, rate: 2000, latencyP99: 450),
                    FakeAgent.ProbeProfile(w, util: 0.95, coresUsed: 2.85, limit: 3, throttled: 0.4));
            }

            var decision = await DecisionWhereAsync(aggregator, d => d.GetProperty("outcome").ValueKind == JsonValueKind.Object, "an outcome measured");
            var outcome = decision.GetProperty("outcome");
            Assert.Equal(3, outcome.GetProperty("windows").GetInt32());
            Assert.Equal(3, outcome.GetProperty("sloBreaches").GetInt32());
            Assert.Equal(0.4, outcome.GetProperty("throttledRatio").GetDouble());
            Assert.False(outcome.GetProperty("undone").GetBoolean());
            Assert.Contains("headroom 0.2 -> ", outcome.GetProperty("learned").GetString());

            var learned = (await TargetAsync(aggregator)).GetProperty("learned");
            headroom = learned.GetProperty("headroom").GetDouble();
            Assert.True(headroom > 0.2, $"headroom {headroom}");
            Assert.True(learned.GetProperty("highFactor").GetDouble() > 1.5);
            Assert.Equal(1, learned.GetProperty("adaptations").GetInt32());
        }

        await using var restarted = await TestAggregator.StartAsync(directory, null, Config());
        var kept = await TargetAsync(restarted);
        Assert.Equal(headroom, kept.GetProperty("learned").GetProperty("headroom").GetDouble(), 9);
        Assert.Equal(3, kept.GetProperty("cpuCores").GetDouble());
    }

    [Fact]
    public async Task Orchestrator_SloStream_JudgesOutcomesOnTheAccessLog_AndCountsOnlyArrivalsAsDemand()
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config("--Aggregator:Orchestrator:Targets:web:SloStream=access"));
        await using var agent = await FakeAgent.ConnectAsync(aggregator);
        await agent.SendAsync(FakeAgent.ProbeProfile(0, util: 0.9, coresUsed: 1.8, limit: 2));
        var command = await agent.NextCommandAsync();
        await agent.AnswerAsync(command, Status.Applied, 2, 3);
        await DecisionWhereAsync(aggregator, d => d.GetProperty("command") is { ValueKind: JsonValueKind.Object } c
            && c.GetProperty("status").GetString() == "applied", "the applied result recorded");

        // The arrivals (workload) stream's own latency_ms is not the SLO here; the access log's is: two of its three
        // windows breach 200 ms, while the arrivals stream says 900 ms in every window.
        double[] accessP99 = [450, 120, 300];
        for (var w = 1; w <= 3; w++)
        {
            var access = FakeAgent.WorkloadProfile(w, rate: 50_000, latencyP99: accessP99[w - 1]);
            access.Stream = "access";
            await agent.SendAsync(access, FakeAgent.WorkloadProfile(w, rate: 1500, latencyP99: 900));
        }

        await agent.SendAsync(FakeAgent.ProbeProfile(4, util: 0.5, coresUsed: 1.5, limit: 3));
        var decision = await DecisionWhereAsync(aggregator, d => d.GetProperty("outcome").ValueKind == JsonValueKind.Object, "an outcome measured");
        Assert.Equal(2, decision.GetProperty("outcome").GetProperty("sloBreaches").GetInt32());

        var target = await TargetAsync(aggregator);
        Assert.Equal("access", target.GetProperty("sloStream").GetString());
        Assert.Equal(300, target.GetProperty("sloP99").GetDouble());
        Assert.Equal(1500, target.GetProperty("workloadRate").GetDouble(), 6);
    }

    [Fact]
    public async Task Orchestrator_ThrottledWindow_TeachesNoCapacity_ServedWindowDoes()
    {
        // Arrivals tapped at 3,000/s while the throttled target burns its whole 2-core limit: 1,500 per core on paper,
        // but the demand above the limit was not served. Only the served window (1,500/s on 1 core) may teach.
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config("--Aggregator:Orchestrator:Targets:web:DryRun=true"));
        await using var agent = await FakeAgent.ConnectAsync(aggregator);
        await agent.SendAsync(FakeAgent.WorkloadProfile(0, rate: 3000, latencyP99: 10));
        await agent.SendAsync(FakeAgent.ProbeProfile(0, util: 1.0, coresUsed: 2, limit: 2, throttled: 0.5));
        await agent.NextCommandAsync(); // the starved window is acted on (dry run) ...
        Assert.Equal(1000, (await TargetAsync(aggregator)).GetProperty("learned").GetProperty("recordsPerCoreSecond").GetDouble(), 9);

        await agent.SendAsync(FakeAgent.WorkloadProfile(1, rate: 1500, latencyP99: 10));
        await agent.SendAsync(FakeAgent.ProbeProfile(1, util: 0.5, coresUsed: 1, limit: 2));
        await Eventually.Until(() => TargetAsync(aggregator).GetAwaiter().GetResult().GetProperty("learned")
            .GetProperty("recordsPerCoreSecond").GetDouble() is > 1000 and < 1500, "... the served window moves the capacity toward 1,500");
    }

    [Fact]
    public async Task Orchestrator_LateProbeWindowWithOldLimit_DoesNotRepeatTheSameScaleUp()
    {
        // No up cooldown, so nothing but the believed size stands between a late probe window and a duplicate command.
        // Throttled windows: the steps are × HighFactor, so a repeat would have the same before and after.
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config("--Aggregator:Orchestrator:Targets:web:CooldownUp=00:00:00"));
        await using var agent = await FakeAgent.ConnectAsync(aggregator);

        await agent.SendAsync(FakeAgent.ProbeProfile(0, util: 0.9, coresUsed: 1.8, limit: 2, throttled: 0.3));
        var first = await agent.NextCommandAsync();
        Assert.Equal(3, first.CpuCores);
        await agent.AnswerAsync(first, Status.Applied, 2, 3);
        await Eventually.Until(() => TargetAsync(aggregator).GetAwaiter().GetResult().GetProperty("cpuCores").GetDouble() == 3, "size 3 after the applied result");

        // The next probe window began before the command could land: it still reports the old limit of 2 and the old
        // utilization. Believing it would send 2 → 3 again; the target is at 3, so the busy window grows it from 3.
        await agent.SendAsync(FakeAgent.ProbeProfile(1, util: 0.9, coresUsed: 1.8, limit: 2, throttled: 0.3));
        var second = await agent.NextCommandAsync();
        Assert.NotEqual(first.CommandId, second.CommandId);
        Assert.Equal(4.5, second.CpuCores); // 3 × HighFactor 1.5, not a second 2 → 3
        var decision = await DecisionWhereAsync(aggregator, d => d.GetProperty("command") is { ValueKind: JsonValueKind.Object } c
            && c.GetProperty("id").GetString() == second.CommandId, "the second decision recorded");
        Assert.Equal(3, decision.GetProperty("fromCpuCores").GetDouble());

        // A window that began a full window after the command is believed again (here: the agent says 4.5 now).
        await agent.AnswerAsync(second, Status.Applied, 3, 4.5);
        await agent.SendAsync(FakeAgent.ProbeProfile(4, util: 0.5, coresUsed: 2.25, limit: 4.5));
        await Eventually.Until(() => TargetAsync(aggregator).GetAwaiter().GetResult().GetProperty("cpuCores").GetDouble() == 4.5, "size 4.5 from the probe");
    }

    [Fact]
    public async Task Orchestrator_ForecastOverCapacity_ScalesAheadAndRollbackRestoresSize()
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config());
        await using var agent = await FakeAgent.ConnectAsync(aggregator);

        // 2 cores × 1000 records/s × 0.8 = 1600/s; the agent forecasts 2500/s two windows ahead.
        await agent.SendAsync(FakeAgent.WorkloadProfile(0, rate: 1000, forecastRates: [1000, 2000, 2500, 2400, 2000, 1500]));
        var command = await agent.NextCommandAsync();
        Assert.Equal(3, command.CpuCores); // 2500 × 1.2 / 1000
        await agent.AnswerAsync(command, Status.RolledBack, 2, 2, "cpu.max write failed; restored");

        var decision = await DecisionWhereAsync(aggregator, d => d.GetProperty("command") is { ValueKind: JsonValueKind.Object } c
            && c.GetProperty("status").GetString() == "rolled_back", "the rollback recorded");
        Assert.Equal("agent", decision.GetProperty("forecaster").GetString());
        Assert.Equal(2500, decision.GetProperty("forecastPeakRate").GetDouble(), 6);
        var trigger = decision.GetProperty("triggers")[0];
        Assert.Equal("forecast_over_capacity", trigger.GetProperty("rule").GetString());
        Assert.Equal(1600, trigger.GetProperty("limit").GetDouble(), 6);
        Assert.Equal("cpu.max write failed; restored", decision.GetProperty("command").GetProperty("message").GetString());
        await Eventually.Until(() => TargetAsync(aggregator).GetAwaiter().GetResult().GetProperty("cpuCores").GetDouble() == 2, "size restored to 2 cores");
    }

    [Fact]
    public async Task Orchestrator_AgentForecastKeepsMissing_PrefersForecasterWithLowerRealizedError()
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config("--Aggregator:Orchestrator:Targets:web:DryRun=true"));
        await using var agent = await FakeAgent.ConnectAsync(aggregator);
        // A steady 1000 records/s; the agent's forecaster keeps predicting 3000/s.
        for (var w = 0; w < 6; w++)
        {
            await agent.SendAsync(FakeAgent.WorkloadProfile(w, rate: 1000, forecastRates: [3000, 3000, 3000, 3000, 3000, 3000]));
        }

        // The ack means stored; the orchestrator evaluates the stored window right after, on its own loop.
        JsonElement target = default;
        await Eventually.Until(() =>
        {
            target = TargetAsync(aggregator).GetAwaiter().GetResult();
            return target.GetProperty("learned").GetProperty("forecasterErrors").TryGetProperty("agent", out var agentErrors)
                && agentErrors.GetProperty("samples").GetInt64() >= 5;
        }, "the sixth window evaluated");
        var errors = target.GetProperty("learned").GetProperty("forecasterErrors");
        Assert.Equal(5, errors.GetProperty("agent").GetProperty("samples").GetInt64());
        Assert.True(errors.GetProperty("agent").GetProperty("error").GetDouble() > 1.5);
        Assert.Equal(0, errors.GetProperty("seasonal_naive").GetProperty("error").GetDouble(), 9);
        Assert.Equal("seasonal_naive", target.GetProperty("forecaster").GetString());
        Assert.Equal(1000, target.GetProperty("forecastPeakRate").GetDouble(), 6);

        // The first windows used the agent's forecast (nothing scored yet) and asked for more; the newest uses seasonal naive.
        var decisions = (await aggregator.GetJsonAsync("/api/v1/decisions?target=web")).GetProperty("decisions");
        Assert.Equal("agent", decisions[decisions.GetArrayLength() - 1].GetProperty("forecaster").GetString());
    }

    [Fact]
    public async Task Orchestrator_DryRun_SendsDryRunCommandAndKeepsSize()
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config("--Aggregator:Orchestrator:Targets:web:DryRun=true"));
        await using var agent = await FakeAgent.ConnectAsync(aggregator);
        await agent.SendAsync(FakeAgent.WorkloadProfile(0, rate: 1000, anomaly: 0.999));
        var command = await agent.NextCommandAsync();
        Assert.True(command.DryRun);
        Assert.Equal(3, command.CpuCores);
        Assert.Contains("anomaly", command.Reason);
        await agent.AnswerAsync(command, Status.DryRun, 2, 3, "would write cpu.max 300000 100000");

        var decision = await DecisionWhereAsync(aggregator, d => d.GetProperty("command") is { ValueKind: JsonValueKind.Object } c
            && c.GetProperty("status").GetString() == "dry_run", "the dry-run result recorded");
        Assert.True(decision.GetProperty("dryRun").GetBoolean());
        var target = await TargetAsync(aggregator);
        Assert.Equal(2, target.GetProperty("cpuCores").GetDouble());
        Assert.Equal(JsonValueKind.Null, target.GetProperty("lastUpMs").ValueKind);

        // The next window asks again: a dry run neither cools down nor changes the believed size.
        await agent.SendAsync(FakeAgent.WorkloadProfile(1, rate: 1000, anomaly: 0.999));
        Assert.True((await agent.NextCommandAsync()).DryRun);
    }

    [Fact]
    public async Task Orchestrator_ResultForUnknownCommand_IsStillRecorded()
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config());
        await using var agent = await FakeAgent.ConnectAsync(aggregator);
        await agent.AnswerAsync(new ResizeCommand { CommandId = "operator-manual-1" }, Status.Rejected, 2, 2, "target outside the allowed roots");
        await Eventually.Until(() =>
        {
            using var connection = SqliteDb.Open(aggregator.DatabasePath);
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT status || '|' || message || '|' || host_id FROM commands WHERE command_id = 'operator-manual-1'";
            return query.ExecuteScalar() as string == "rejected|target outside the allowed roots|host-a";
        }, "the result stored");

        // A result with nonsense values is recorded as it came and the stream goes on.
        await agent.AnswerAsync(new ResizeCommand { CommandId = "" }, (Status)42, double.NaN, -1, "garbled");
        await agent.SendAsync(FakeAgent.ProbeProfile(0, util: 0.5, limit: 2));
        Assert.Equal(2, (await TargetAsync(aggregator)).GetProperty("cpuCores").GetDouble());
    }

    [Fact]
    public async Task Orchestrator_Disabled_DecidesNothing()
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config("--Aggregator:Orchestrator:Enabled=false"));
        await using var agent = await FakeAgent.ConnectAsync(aggregator);
        await agent.SendAsync(FakeAgent.ProbeProfile(0, util: 0.99, limit: 2));
        var targets = await aggregator.GetJsonAsync("/api/v1/targets");
        Assert.False(targets.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, (await aggregator.GetJsonAsync("/api/v1/decisions")).GetProperty("decisions").GetArrayLength());
        Assert.False(agent.TryTakeCommand(out _));
    }

    [Fact]
    public void Build_PackagedExampleConfig_IsValid()
    {
        var file = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../packaging/config/aggregator.json"));
        Assert.True(File.Exists(file), file);
        var directory = TestAggregator.NewDirectory();
        using var app = AggregatorHost.Build(TestAggregator.Args(directory, "--config", file));
        var orchestrator = app.Services.GetRequiredService<AggregatorOptions>().Orchestrator;
        var web = Assert.Single(orchestrator.Targets).Value;
        Assert.Equal("cgroup:shadow/web", web.Target);
        Assert.Equal(["checkout"], web.WorkloadStreams);
        Assert.True(web.DryRun);
        Assert.Equal(TimeSpan.FromMinutes(5), web.CooldownDown);
    }

    [Theory]
    [InlineData("/api/v1/decisions?limit=0", HttpStatusCode.BadRequest, "limit '0'")]
    [InlineData("/api/v1/decisions?limit=x", HttpStatusCode.BadRequest, "limit 'x'")]
    [InlineData("/api/v1/decisions?target=nope", HttpStatusCode.NotFound, "target 'nope'")]
    public async Task Decisions_BadQuery_ProblemNamesParameter(string path, HttpStatusCode status, string detail)
    {
        await using var aggregator = await TestAggregator.StartAsync(null, null, Config());
        var problem = await aggregator.GetJsonAsync(path, status);
        Assert.StartsWith(detail, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("--Aggregator:Orchestrator:Targets:web:Treshold=0.5", "Aggregator:Orchestrator:Targets:web:Treshold: unknown key")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:Target=cgroup:../etc", "Aggregator:Orchestrator:Targets:web:Target: 'cgroup:../etc'")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:Target=docker:web", "Aggregator:Orchestrator:Targets:web:Target: 'docker:web' must start with cgroup: or vm:")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:Criticality=urgent", "Aggregator:Orchestrator:Targets:web:Criticality: 'urgent'")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:MinCpuCores=10", "Aggregator:Orchestrator:Targets:web:MaxCpuCores: '8' must be at least MinCpuCores '10'")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:UtilizationLow=0.9", "Aggregator:Orchestrator:Targets:web:UtilizationLow: '0.9'")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:Headroom=5", "Aggregator:Orchestrator:Targets:web:Headroom: '5' must be between 0.05 and 1")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:Hysteresis=0", "Aggregator:Orchestrator:Targets:web:Hysteresis: '0'")]
    [InlineData("--Aggregator:Orchestrator:MaxHeadroom=0.01", "Aggregator:Orchestrator:MaxHeadroom:")]
    [InlineData("--Aggregator:Orchestrator:Horizon=0", "Aggregator:Orchestrator:Horizon: '0'")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:Host=", "Aggregator:Orchestrator:Targets:web:Host: required")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:Triggers:Predictve=false", "Aggregator:Orchestrator:Targets:web:Triggers:Predictve: unknown key")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:VolumeAnomalyThreshold=2", "Aggregator:Orchestrator:Targets:web:VolumeAnomalyThreshold: '2'")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:DownscaleStabilization=-00:00:01", "Aggregator:Orchestrator:Targets:web:DownscaleStabilization:")]
    [InlineData("--Aggregator:Orchestrator:Targets:web:SloStream=orders", "Aggregator:Orchestrator:Targets:web:SloStream: 'orders' is already the target's workload or resource stream")]
    public void Build_BadOrchestratorKey_ErrorNamesKey(string arg, string expected)
    {
        var directory = TestAggregator.NewDirectory();
        var error = Assert.Throws<AggregatorConfigException>(() => AggregatorHost.Build(TestAggregator.Args(directory, [.. Config(), arg])));
        Assert.Contains(error.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
