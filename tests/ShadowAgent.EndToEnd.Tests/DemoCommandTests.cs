using ShadowAgent.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ShadowAgent.Aggregator.Demo;
using ShadowAgent.EndToEnd.Tests.Harness;

namespace ShadowAgent.EndToEnd.Tests;

/// <summary>
/// <c>shadow-aggregator demo</c> as a user runs it, briefly: the aggregator executable (this build's apphost) with
/// the agent executable (its build output) as its child, a real worker process in a real cgroup, and the orchestrator resizing it.
/// The demo starts the checkout cgroup at 0.25 cores with work for about a third of a core, so the first windows
/// already call for a scale-up.
/// </summary>
public sealed partial class DemoCommandTests
{
    [Fact]
    public async Task Demo_AsRoot_PrintsResizeDecisionsTheAgentApplied()
    {
        CgroupSandbox.RequireRoot();
        var (exitCode, output) = await RunDemoAsync(TimeSpan.FromSeconds(22));

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}");
        Assert.Contains("actuation   real: cgroup", output, StringComparison.Ordinal);
        Assert.Matches(AppliedDecision(), output);
        Assert.Matches(Summary(), output);
        Assert.Contains("every record is accounted for.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_DryRun_PrintsDecisionsTheAgentAnsweredDryRun_AndResizesNothing()
    {
        var (exitCode, output) = await RunDemoAsync(TimeSpan.FromSeconds(16), "--dry-run");

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}");
        Assert.Contains("actuation   DRY RUN", output, StringComparison.Ordinal);
        Assert.Matches(DryRunDecision(), output);
        Assert.DoesNotContain(" APPLIED", output, StringComparison.Ordinal);
        Assert.Contains("every record is accounted for.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--initial-cores", "0", "--initial-cores: '0' is not a number from 0.1 to 64")]
    [InlineData("--records-per-core", "fast", "--records-per-core: 'fast' is not a number from 10 to 10000000")]
    public void DemoOptions_BadValue_NamesTheOption(string option, string value, string expected)
    {
        var errors = new List<string>();
        DemoOptions.Parse([option, value], errors);
        Assert.Equal([expected], errors);
    }

    private static async Task<(int ExitCode, string Output)> RunDemoAsync(TimeSpan duration, params string[] extra)
    {
        var bin = AppContext.BaseDirectory;

        // The agent's own build output (same configuration as this test's): its apphost beside its own deps.json. The
        // copy in this test's folder resolves against the test's dependencies and does not start.
        var configuration = new DirectoryInfo(bin).Parent!.Name;
        var agent = Path.Combine(RepositoryPaths.Root, "src", "ShadowAgent.Agent", "bin", configuration, "net10.0", "shadow-agent");
        Assert.True(File.Exists(agent), "no shadow-agent build output at " + agent);
        var psi = new ProcessStartInfo(Path.Combine(bin, "shadow-aggregator"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "demo", "--agent", agent,
            "--duration", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "--window-seconds", "1", "--day-seconds", "60", "--incident-at", "12", "--incident-seconds", "5",
            "--records-per-core", "2000", "--initial-cores", "0.25",
            "--grpc-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--http-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--tap-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--metrics-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
        }.Concat(extra))
        {
            psi.ArgumentList.Add(arg);
        }

        using var demo = Process.Start(psi)!;
        var output = new StringBuilder();
        demo.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        demo.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(duration + TimeSpan.FromSeconds(40));
        try
        {
            await demo.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            demo.Kill(entireProcessTree: true);
            await demo.WaitForExitAsync(CancellationToken.None);
            lock (output)
            {
                Assert.Fail("the demo did not stop by itself:\n" + output);
            }
        }

        demo.WaitForExit();
        lock (output)
        {
            return (demo.ExitCode, output.ToString());
        }
    }

    [GeneratedRegex(@">> \d\d:\d\d:\d\d .*resize checkout-web: \d+\.\d\d → \d+\.\d\d cores \(scale (up|down): .+\) APPLIED cpu_cores \d+\.\d\d → \d+\.\d\d")]
    private static partial Regex AppliedDecision();

    [GeneratedRegex(@">> \d\d:\d\d:\d\d .*resize checkout-web: \d+\.\d\d → \d+\.\d\d cores \(scale (up|down): .+\) DRY_RUN cpu_cores \d+\.\d\d → \d+\.\d\d")]
    private static partial Regex DryRunDecision();

    [GeneratedRegex(@"orchestrator: [1-9]\d* resize decisions, [1-9]\d* answered by the agent \(applied to the real cgroup\)")]
    private static partial Regex Summary();
}
