using ShadowAgent.ClosedLoop.Run;
using ShadowAgent.ClosedLoop.Trace;
using ShadowAgent.ClosedLoop.Worker;

namespace ShadowAgent.ClosedLoop.Tests.RealSystem;

/// <summary>
/// The closed loop with the real shadow-aggregator and shadow-agent (their builds beside this one, run under
/// dotnet): an overloaded worker under the reactive policy gets a larger CPU limit from the agent's actuator on the
/// aggregator's command. Compiled once the agent has resize actuation (issue 5's agent side).
/// </summary>
public sealed class RealSystemTests
{
    [Fact]
    public async Task ExecuteAsync_ReactiveWorkerOverItsLimit_RealAgentRaisesTheLimit()
    {
        RealCgroupTests.RequireRoot();
        var name = $"test-reactive-{Environment.ProcessId}";
        var work = Path.Combine(Path.GetTempPath(), name);
        var spec = new TraceSpec { WarmupDays = 0, DaySeconds = 15, PeakCores = 0.5, RampAt = 0.5, RampFactor = 1, RampRise = 0, RampHold = 0, RampFall = 0 };
        // 0.5 cores of demand against a 0.2-core limit from the first second.
        var trace = new LoadTrace(spec, Enumerable.Repeat(0.5, 150).ToArray(), 1, 0);
        var options = new ClosedLoopOptions
        {
            Trace = spec,
            WorkDir = work,
            RunName = name,
            Connections = 8,
            InitialCores = 0.2,
            AgentPath = Build("ShadowAgent.Agent", "shadow-agent.dll"),
            AggregatorPath = Build("ShadowAgent.Aggregator", "shadow-aggregator.dll"),
            PolicyDir = Path.Combine(AppContext.BaseDirectory, "Policies"),
        };
        Assert.True(File.Exists(Path.Combine(options.PolicyDir, "reactive.json")), "the policy files are copied beside the tests");
        var rounds = CpuWork.Calibrate(1);
        try
        {
            var result = await PolicyRun.ExecuteAsync(options, trace, rounds, 900, "reactive", TextWriter.Null, CancellationToken.None);

            Assert.Empty(result.Notes);
            Assert.NotNull(result.FirstScaleUpInDay);
            Assert.True(result.ResizeActionsWholeRun >= 1, $"limit changes: {result.ResizeActionsWholeRun}");
            Assert.True(result.DecisionsWholeRun >= 1, $"decisions sent: {result.DecisionsWholeRun}");
            Assert.True(result.CoreSecondsProvisioned > 0.2 * 15, $"core-seconds {result.CoreSecondsProvisioned} above the starting limit's");
            Assert.True(result.TapLines > 1000, $"lines copied to the agent's tap: {result.TapLines}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The project's build in the same configuration as these tests (bin/&lt;configuration&gt;/net10.0).</summary>
    private static string Build(string project, string dll)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = tfm.Parent!.Name;
        var path = Path.Combine(ClosedLoopOptions.RepositoryRoot(), "src", project, "bin", configuration, tfm.Name, dll);
        Assert.True(File.Exists(path), $"{path} is built (the test project references {project})");
        return path;
    }
}
