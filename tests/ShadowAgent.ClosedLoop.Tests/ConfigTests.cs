using System.Text.Json.Nodes;
using ShadowAgent.ClosedLoop.Run;
using ShadowAgent.ClosedLoop.SystemUnderTest;

namespace ShadowAgent.ClosedLoop.Tests;

public sealed class ConfigTests
{
    [Fact]
    public void Merge_PolicyFragment_ObjectsMergeValuesReplace()
    {
        var baseConfig = SystemConfig.Aggregator(new SystemPorts(1, 2, 3, 4), "/tmp/x.db", "run-reactive", 2, 1, 480, 50);
        var fragment = JsonNode.Parse("""{"Aggregator":{"Orchestrator":{"Targets":{"worker":{"AnomalyThreshold":0,"CapacityThreshold":10}}}}}""")!.AsObject();

        JsonConfig.Merge(baseConfig, fragment);

        var target = baseConfig["Aggregator"]!["Orchestrator"]!["Targets"]!["worker"]!;
        Assert.Equal(0, target["AnomalyThreshold"]!.GetValue<int>());
        Assert.Equal(10, target["CapacityThreshold"]!.GetValue<int>());
        Assert.Equal("cgroup:run-reactive", target["Target"]!.GetValue<string>());
        Assert.Equal(480, target["RecordsPerCoreSecond"]!.GetValue<double>());
    }

    [Fact]
    public void Set_ColonPathIntoArray_ReplacesTheValue()
    {
        var agent = SystemConfig.Agent(new SystemPorts(1, 2, 3, 4), ["/sys/fs/cgroup/cpu/shadow-bench"], "run", 2);

        JsonConfig.Set(agent, "Agent:Streams:0:Window", "00:00:02");
        JsonConfig.Set(agent, "Agent:Streams:1:Forecast:Horizon", "12");
        JsonConfig.Set(agent, "Agent:Actuation:DryRun", "true");

        var streams = agent["Agent"]!["Streams"]!.AsArray();
        Assert.Equal("00:00:02", streams[0]!["Window"]!.GetValue<string>());
        Assert.Equal(12, streams[1]!["Forecast"]!["Horizon"]!.GetValue<double>());
        Assert.True(agent["Agent"]!["Actuation"]!["DryRun"]!.GetValue<bool>());
        Assert.Equal("cgroup:run", streams[1]!["Tap"]!["Probe"]!["Target"]!.GetValue<string>());
    }

    [Fact]
    public void Set_IndexPastTheArray_ThrowsNamingThePath()
    {
        var agent = SystemConfig.Agent(new SystemPorts(1, 2, 3, 4), ["/r"], "run", 2);

        var error = Assert.Throws<ArgumentException>(() => JsonConfig.Set(agent, "Agent:Streams:5:Window", "x"));

        Assert.StartsWith("'Agent:Streams:5:Window'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseAssignment_WithoutEquals_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => JsonConfig.ParseAssignment("Agent:HostId", "--set-agent"));

        Assert.StartsWith("--set-agent:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--day", "abc" }, "--day: 'abc' is not a number")]
    [InlineData(new[] { "--policies", "static,magic" }, "--policies:")]
    [InlineData(new[] { "--warmup-days", "-1" }, "--warmup-days:")]
    [InlineData(new[] { "--connections" }, "--connections: a value is required")]
    [InlineData(new[] { "--frobnicate" }, "'--frobnicate' is not an option")]
    [InlineData(new[] { "--trace", "/nonexistent.csv" }, "--trace: no file at /nonexistent.csv")]
    public void Parse_BadArgument_ErrorNamesTheOption(string[] args, string start)
    {
        var error = Assert.Throws<ArgumentException>(() => ClosedLoopOptions.Parse(args));

        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecisionSummaryParse_DecisionsApiAnswer_CountsSentUpsAndDowns()
    {
        const string json = """
            {"decisions":[
              {"id":3,"action":"down","decidedMs":3000,"fromCpuCores":1.5,"toCpuCores":1.2,"triggers":[{"rule":"forecast_under_capacity"}],"command":{"id":"c3","sent":true,"status":"applied"}},
              {"id":1,"action":"up","decidedMs":1000,"fromCpuCores":1,"toCpuCores":1.5,"triggers":[{"rule":"anomaly"},{"rule":"throttling"}],"command":{"id":"c1","sent":true,"status":"applied"}},
              {"id":2,"action":"hold","decidedMs":2000,"triggers":[{"rule":"cooldown_up"}]},
              {"id":4,"action":"up","decidedMs":4000,"fromCpuCores":1.2,"toCpuCores":1.8,"triggers":[],"command":{"id":"c4","sent":false}}
            ]}
            """;

        var summary = DecisionSummary.Parse(json);

        Assert.Equal(2, summary.Ups);
        Assert.Equal(1, summary.Downs);
        Assert.Equal(2, summary.Sent);
        Assert.Equal([1000L, 3000L, 4000L], summary.Actions.Select(a => a.DecidedMs));
        Assert.Equal("anomaly,throttling", summary.Actions[0].Rules);
        Assert.Equal("applied", summary.Actions[0].Status);
        Assert.Null(summary.Actions[2].Status);
    }
}
