using System.Diagnostics;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Probes;

namespace ShadowAgent.Taps.Tests.Probes;

public sealed class CgroupProbeTests
{
    private const string V1Cpu = "/sys/fs/cgroup/cpu";
    private const string V1Acct = "/sys/fs/cgroup/cpuacct";
    private const string V1Memory = "/sys/fs/cgroup/memory";
    private const string Unified = "/sys/fs/cgroup/unified";

    private static int Index(string field) => ProbeFields.Cgroup.ToList().IndexOf(field);

    private static bool Has(ulong present, string field) => (present & (1UL << Index(field))) != 0;

    private static double Get(double[] values, ulong present, string field)
    {
        Assert.True(Has(present, field), $"{field} is present");
        return values[Index(field)];
    }

    [Fact]
    public void Sample_V2Tree_ComputesRatesAgainstTheLimits()
    {
        using var tree = new CgroupTree();
        tree.Write("cpu.max", "50000 100000\n");
        tree.Write("cpu.stat", "usage_usec 1000000\nuser_usec 1\nsystem_usec 1\nnr_periods 100\nnr_throttled 10\nthrottled_usec 200000\n");
        tree.Write("memory.current", "104857600\n");
        tree.Write("memory.max", "209715200\n");
        tree.Write("cpu.pressure", "some avg10=12.50 avg60=1.00 avg300=0.00 total=9\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
        var probe = new CgroupProbe([tree.Root], tree.Relative);
        var values = new double[ProbeFields.Cgroup.Count];
        Assert.False(probe.Sample(0, values, out _));

        tree.Write("cpu.stat", "usage_usec 1900000\nnr_periods 120\nnr_throttled 25\nthrottled_usec 700000\n");
        Assert.True(probe.Sample(2.0, values, out var present));

        Assert.Equal(0.45, Get(values, present, ProbeFields.CpuCoresUsed), 9);
        Assert.Equal(0.5, Get(values, present, ProbeFields.CpuLimitCores), 9);
        Assert.Equal(0.9, Get(values, present, ProbeFields.CpuUtil), 9);
        Assert.Equal(15.0 / 20, Get(values, present, ProbeFields.CpuThrottledRatio), 9);
        Assert.Equal(0.25, Get(values, present, ProbeFields.CpuThrottledSeconds), 9);
        Assert.Equal(104857600, Get(values, present, ProbeFields.MemCurrentBytes));
        Assert.Equal(209715200, Get(values, present, ProbeFields.MemLimitBytes));
        Assert.Equal(0.5, Get(values, present, ProbeFields.MemUtil), 9);
        Assert.Equal(12.5, Get(values, present, ProbeFields.PsiCpu), 9);
        Assert.False(Has(present, ProbeFields.PsiMemory));
    }

    [Fact]
    public void Sample_V2TreeUnlimited_LeavesLimitsAndUtilizationsAbsent()
    {
        using var tree = new CgroupTree();
        tree.Write("cpu.max", "max 100000\n");
        tree.Write("cpu.stat", "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
        tree.Write("memory.current", "4096\n");
        tree.Write("memory.max", "max\n");
        var probe = new CgroupProbe([tree.Root], tree.Relative);
        var values = new double[ProbeFields.Cgroup.Count];
        probe.Sample(0, values, out _);
        tree.Write("cpu.stat", "usage_usec 500000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
        Assert.True(probe.Sample(1.0, values, out var present));

        Assert.Equal(0.5, Get(values, present, ProbeFields.CpuCoresUsed), 9);
        Assert.Equal(0, Get(values, present, ProbeFields.CpuThrottledRatio));
        Assert.False(Has(present, ProbeFields.CpuLimitCores));
        Assert.False(Has(present, ProbeFields.CpuUtil));
        Assert.False(Has(present, ProbeFields.MemLimitBytes));
        Assert.False(Has(present, ProbeFields.MemUtil));
        Assert.Equal(4096, Get(values, present, ProbeFields.MemCurrentBytes));
    }

    [Fact]
    public void Sample_MalformedFiles_DropsOnlyTheirFields()
    {
        using var tree = new CgroupTree();
        tree.Write("cpu.max", "garbage\n");
        tree.Write("cpu.stat", "usage_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
        tree.Write("memory.current", "not-a-number\n");
        tree.Write("memory.max", "max\n");
        var probe = new CgroupProbe([tree.Root], tree.Relative);
        var values = new double[ProbeFields.Cgroup.Count];
        probe.Sample(0, values, out _);
        tree.Write("cpu.stat", "usage_usec 100000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
        Assert.True(probe.Sample(1.0, values, out var present));

        Assert.Equal(0.1, Get(values, present, ProbeFields.CpuCoresUsed), 9);
        Assert.False(Has(present, ProbeFields.CpuLimitCores));
        Assert.False(Has(present, ProbeFields.MemCurrentBytes));
    }

    [Fact]
    public void Sample_CgroupCreatedLater_StartsOnceItExists()
    {
        var root = Path.Combine(Path.GetTempPath(), $"shadow-cg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            var probe = new CgroupProbe([root], "late");
            var values = new double[ProbeFields.Cgroup.Count];
            Assert.False(probe.Sample(0, values, out _));
            Assert.False(probe.Sample(1, values, out _));
            var dir = Directory.CreateDirectory(Path.Combine(root, "late")).FullName;
            File.WriteAllText(Path.Combine(dir, "cgroup.controllers"), "memory\n");
            File.WriteAllText(Path.Combine(dir, "memory.current"), "10\n");
            File.WriteAllText(Path.Combine(dir, "memory.max"), "100\n");
            Assert.False(probe.Sample(1, values, out _));
            Assert.True(probe.Sample(1, values, out var present));
            Assert.Equal(0.1, Get(values, present, ProbeFields.MemUtil), 9);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Resolve_EscapingPaths_FindNothing()
    {
        using var tree = new CgroupTree();
        Assert.Empty(CgroupPaths.Resolve([tree.Dir], "../.."));
        Assert.Empty(CgroupPaths.Resolve([tree.Dir], "/etc"));
        Assert.Empty(CgroupPaths.Resolve([tree.Root], "shadow//web"));
        Assert.Single(CgroupPaths.Resolve([tree.Root], "shadow/web"));
    }

    /// <summary>
    /// A busy shell in a real v1 cgroup held to 0.2 cores: the probe reads about 0.2 cores used, the limit,
    /// and most periods throttled.
    /// </summary>
    [Fact]
    public async Task Sample_RealV1CgroupThrottledToFifthOfACore_ReadsUsageAndThrottling()
    {
        using var sandbox = new CgroupSandbox(V1Cpu, V1Acct, V1Memory);
        File.WriteAllText(Path.Combine(sandbox.Dir(V1Cpu), "cpu.cfs_period_us"), "100000");
        File.WriteAllText(Path.Combine(sandbox.Dir(V1Cpu), "cpu.cfs_quota_us"), "20000");
        // The largest share, so the child gets its fifth of a core even on a machine loaded by other builds.
        File.WriteAllText(Path.Combine(sandbox.Dir(V1Cpu), "cpu.shares"), "262144");
        sandbox.Spawn("while :; do :; done");
        var probe = new CgroupProbe([V1Cpu, V1Acct, V1Memory, Unified], sandbox.Name);
        Assert.False(probe.Files.UsageV2);
        var values = new double[ProbeFields.Cgroup.Count];
        probe.Sample(0, values, out _);
        var clock = Stopwatch.StartNew();
        await WaitForPeriods(Path.Combine(sandbox.Dir(V1Cpu), "cpu.stat"), 15);
        Assert.True(probe.Sample(clock.Elapsed.TotalSeconds, values, out var present));

        Assert.InRange(Get(values, present, ProbeFields.CpuCoresUsed), 0.1, 0.28);
        Assert.Equal(0.2, Get(values, present, ProbeFields.CpuLimitCores), 9);
        Assert.InRange(Get(values, present, ProbeFields.CpuThrottledRatio), 0.3, 1.0);
        Assert.True(Get(values, present, ProbeFields.CpuThrottledSeconds) > 0.1);
        // v1 does not move a task's earlier charges with it, and a busy loop allocates nothing new: present, maybe 0.
        Assert.True(Get(values, present, ProbeFields.MemCurrentBytes) >= 0);
        Assert.False(Has(present, ProbeFields.MemLimitBytes));
    }

    /// <summary>
    /// The unified hierarchy of this host has no cpu or memory controller to enable, but every v2 cgroup has
    /// cpu.stat and pressure files: a busy process moved into one is read as cores used with its pressure.
    /// </summary>
    [Fact]
    public async Task Sample_RealV2CgroupWithoutControllers_ReadsUsageAndPressure()
    {
        using var sandbox = new CgroupSandbox(Unified);
        sandbox.Spawn("while :; do :; done");
        var probe = new CgroupProbe([Unified], sandbox.Name);
        Assert.True(probe.Files.UsageV2);
        var values = new double[ProbeFields.Cgroup.Count];
        probe.Sample(0, values, out _);
        var clock = Stopwatch.StartNew();
        var stat = Path.Combine(sandbox.Dir(Unified), "cpu.stat");
        var start = Usage(stat);
        await Eventually.Until(() => Usage(stat) - start > 200_000, "the busy child used 0.2 s of CPU", TimeSpan.FromSeconds(20));
        Assert.True(probe.Sample(clock.Elapsed.TotalSeconds, values, out var present));

        // No cpu controller here to give the child its share on a loaded machine: any positive usage is the read.
        Assert.InRange(Get(values, present, ProbeFields.CpuCoresUsed), 1e-6, Environment.ProcessorCount);
        Assert.False(Has(present, ProbeFields.CpuLimitCores));
        Assert.InRange(Get(values, present, ProbeFields.PsiCpu), 0, 100);
    }

    private static ulong Usage(string cpuStat)
    {
        var text = File.ReadAllBytes(cpuStat);
        Assert.True(ProcText.TryGetKeyed(text, "usage_usec"u8, out var us));
        return us;
    }

    private static async Task WaitForPeriods(string cpuStat, ulong periods)
    {
        ulong Read()
        {
            var text = File.ReadAllBytes(cpuStat);
            return ProcText.TryGetKeyed(text, "nr_periods"u8, out var n) ? n : 0;
        }

        var start = Read();
        await Eventually.Until(() => Read() - start >= periods, $"{periods} CFS periods passed", TimeSpan.FromSeconds(20));
    }

}
