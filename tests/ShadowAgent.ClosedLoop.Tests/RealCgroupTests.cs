using System.Diagnostics;
using ShadowAgent.ClosedLoop.Accounting;
using ShadowAgent.ClosedLoop.Cgroups;
using ShadowAgent.ClosedLoop.Load;
using ShadowAgent.ClosedLoop.Run;
using ShadowAgent.ClosedLoop.Trace;
using ShadowAgent.ClosedLoop.Worker;

namespace ShadowAgent.ClosedLoop.Tests;

/// <summary>
/// The benchmark's real parts on this machine: a real cgroup (v1 cpu/cpuacct or v2), the worker process in it, real
/// load over loopback. Root is required (CI runs the suite as root).
/// </summary>
public sealed class RealCgroupTests
{
    private static string Name(string what) => $"test-{what}-{Environment.ProcessId}";

    internal static void RequireRoot()
    {
        var uid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2];
        if (uid != "0")
        {
            Assert.Fail("These tests create real cgroups and must run as root (CI runs `./shadowagent test` as root); run them with sudo.");
        }
    }

    [Fact]
    public void Worker_LowQuota_LandsInTheCgroupAndIsThrottled()
    {
        RequireRoot();
        var rounds = CpuWork.Calibrate(1);
        string[] dirs;
        using (var cgroup = BenchCgroup.Create(Name("throttle")))
        {
            dirs = [.. cgroup.Directories];
            cgroup.SetCpuLimit(0.2);
            Assert.Equal(0.2, cgroup.ReadCpuLimit()!.Value, 6);
            using (var worker = WorkerProcess.Start(rounds, cgroup))
            {
                Assert.Contains(worker.Id, cgroup.Processes());
                var log = new LatencyLog(10);
                var origin = Stopwatch.GetTimestamp();
                var before = cgroup.Sample(0);
                // 600 requests of ~1 ms over 2 s: 0.3 cores of demand against a 0.2-core limit.
                var arrivals = Enumerable.Range(0, 600).Select(i => i / 300.0).ToArray();
                using (var load = new LoadGenerator(worker.Port, 8, 4096, log, null, null, origin))
                {
                    load.Run(arrivals, TimeSpan.FromSeconds(5), CancellationToken.None);
                    Assert.Equal(600, load.Answered);
                }

                var after = cgroup.Sample(Stopwatch.GetElapsedTime(origin).TotalSeconds);
                Assert.True(after.ThrottledPeriods > before.ThrottledPeriods, $"throttled periods {before.ThrottledPeriods} -> {after.ThrottledPeriods}");
                Assert.True(after.ThrottledNs > before.ThrottledNs, "throttled time grew");
                var used = (after.UsageNs - before.UsageNs) / 1e9;
                var elapsed = after.T;
                Assert.True(used <= (0.2 * elapsed) + 0.05, $"used {used:F3} core-s in {elapsed:F2} s under a 0.2-core limit");
                Assert.True(used >= 0.3, $"the worker did its work in the cgroup: {used:F3} core-s");
                // Demand over the limit queues: the slowest requests waited far longer than their own ~1 ms.
                Assert.True(SloAccounting.P99(log.Latencies(1)) > 50, $"p99 of second 1: {SloAccounting.P99(log.Latencies(1))} ms");
            }
        }

        Assert.All(dirs, d => Assert.False(Directory.Exists(d), $"{d} removed"));
    }

    [Fact]
    public void SetCpuLimit_NullAndValue_RoundTrip()
    {
        RequireRoot();
        using var cgroup = BenchCgroup.Create(Name("limit"));

        cgroup.SetCpuLimit(null);
        Assert.Null(cgroup.ReadCpuLimit());
        cgroup.SetCpuLimit(1.25);
        Assert.Equal(1.25, cgroup.ReadCpuLimit()!.Value, 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => cgroup.SetCpuLimit(0));
        Assert.Equal(1.25, cgroup.ReadCpuLimit()!.Value, 6);
    }

    [Fact]
    public void Create_NameWithSlash_ThrowsNamingRun()
    {
        var error = Assert.Throws<ArgumentException>(() => BenchCgroup.Create("../escape"));

        Assert.StartsWith("--run:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_StaticPolicyShortDay_MeasuresEverySecondAtTheFixedLimit()
    {
        RequireRoot();
        var work = Path.Combine(Path.GetTempPath(), Name("static"));
        var spec = new TraceSpec { WarmupDays = 1, DaySeconds = 6, PeakCores = 0.2, RampAt = 0.5, RampFactor = 2, RampRise = 1, RampHold = 1, RampFall = 1 };
        var trace = new LoadTrace(spec, [.. Enumerable.Range(0, 120).Select(i => 0.1 + (0.001 * (i % 60)))], 1, 0);
        var options = new ClosedLoopOptions { Trace = spec, WorkDir = work, RunName = Name("static"), Connections = 4 };
        var rounds = CpuWork.Calibrate(1);
        try
        {
            var result = await PolicyRun.ExecuteAsync(options, trace, rounds, 900, "static", TextWriter.Null, CancellationToken.None);

            Assert.Equal("static", result.Policy);
            Assert.Equal(6, result.MeasuredSeconds);
            Assert.Equal(PolicyRun.StaticCores(trace, options), result.StartCores);
            // The measured day alone at the fixed limit: its core-seconds are the limit × 6 s (sampled every 100 ms).
            Assert.Equal(result.StartCores * 6, result.CoreSecondsProvisioned, 1);
            Assert.Equal(0, result.ResizeActions);
            Assert.InRange(result.Requests, 300, 900);
            Assert.Null(result.DecisionsSent);
            Assert.True(File.Exists(Path.Combine(work, "static", "seconds.csv")));
            Assert.Equal(7, File.ReadAllLines(Path.Combine(work, "static", "seconds.csv")).Length);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
