using System.Diagnostics;
using ShadowAgent.Agent.Actuation;
using ShadowAgent.Protocol.V1;
using Status = ShadowAgent.Protocol.V1.CommandResult.Types.Status;

namespace ShadowAgent.Agent.Tests.Actuation;

/// <summary>
/// The v1 writer on this machine's real cgroup v1 hierarchies (cpu, cpuacct and memory are v1 here), as root,
/// with real processes inside the test cgroup.
/// </summary>
public sealed class CgroupV1ActuatorTests
{
    private const string Cpu = "/sys/fs/cgroup/cpu";
    private const string Acct = "/sys/fs/cgroup/cpuacct";
    private const string Memory = "/sys/fs/cgroup/memory";

    private static CgroupActuator Actuator() => new([Cpu, Memory]);

    private static ResizeCommand Command(string name, double? cores = null, ulong? memory = null, uint? weight = null)
    {
        var c = new ResizeCommand { CommandId = Guid.NewGuid().ToString("N"), Target = "cgroup:" + name };
        if (cores is { } x)
        {
            c.CpuCores = x;
        }

        if (memory is { } m)
        {
            c.MemoryBytes = m;
        }

        if (weight is { } w)
        {
            c.CpuWeight = w;
        }

        return c;
    }

    private static ulong Keyed(string file, string key)
    {
        foreach (var line in File.ReadLines(file))
        {
            var parts = line.Split(' ');
            if (parts[0] == key)
            {
                return ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"{key} not in {file}");
    }

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static ulong ReadUInt(string file) => ulong.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture);


    [Fact]
    public async Task Apply_QuotaOfAFifthOfACore_BusyChildIsThrottledToIt()
    {
        using var sandbox = new CgroupSandbox(Cpu, Acct);
        sandbox.Spawn("while :; do :; done");
        // The largest weight too, so the child gets its fifth of a core even on a machine loaded by other builds.
        var result = Actuator().Apply(Command(sandbox.Name, cores: 0.2, weight: 10_000), new ResizeTarget(ResizeTargetKind.Cgroup, sandbox.Name), dryRun: false);

        Assert.Equal(Status.Applied, result.Status);
        Assert.Equal("102400", result.After["cpu.shares"]);
        Assert.Equal("max", result.Before["cpu_cores"]);
        Assert.Equal("-1", result.Before["cpu.cfs_quota_us"]);
        Assert.Equal("0.2", result.After["cpu_cores"]);
        Assert.Equal("20000", result.After["cpu.cfs_quota_us"]);
        Assert.Equal("20000", File.ReadAllText(Path.Combine(sandbox.Dir(Cpu), "cpu.cfs_quota_us")).Trim());

        var stat = Path.Combine(sandbox.Dir(Cpu), "cpu.stat");
        var usage = Path.Combine(sandbox.Dir(Acct), "cpuacct.usage");
        var (periods0, throttled0, usage0) = (Keyed(stat, "nr_periods"), Keyed(stat, "nr_throttled"), ReadUInt(usage));
        var clock = Stopwatch.StartNew();
        await Eventually.Until(() => Keyed(stat, "nr_periods") - periods0 >= 15, "15 CFS periods passed", Deadline);
        var seconds = clock.Elapsed.TotalSeconds;
        var cores = (ReadUInt(usage) - usage0) / 1e9 / seconds;
        var periods = Keyed(stat, "nr_periods") - periods0;
        var throttled = Keyed(stat, "nr_throttled") - throttled0;

        Assert.InRange(cores, 0.1, 0.28);
        Assert.True(throttled >= periods * 3 / 10, $"{throttled} of {periods} periods throttled");
    }

    [Fact]
    public void Apply_WeightAndMemoryLimit_WrittenAsSharesAndBytes()
    {
        using var sandbox = new CgroupSandbox(Cpu, Memory);
        var result = Actuator().Apply(Command(sandbox.Name, memory: 256UL << 20, weight: 200), new ResizeTarget(ResizeTargetKind.Cgroup, sandbox.Name), dryRun: false);

        Assert.Equal(Status.Applied, result.Status);
        Assert.Equal("100", result.Before["cpu_weight"]);
        Assert.Equal("1024", result.Before["cpu.shares"]);
        Assert.Equal("max", result.Before["memory_bytes"]);
        Assert.Equal("200", result.After["cpu_weight"]);
        Assert.Equal("2048", result.After["cpu.shares"]);
        Assert.Equal((256UL << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), result.After["memory_bytes"]);
        Assert.Equal(256UL << 20, ReadUInt(Path.Combine(sandbox.Dir(Memory), "memory.limit_in_bytes")));
    }

    [Fact]
    public void Apply_DryRun_ReportsWouldBeValuesAndWritesNothing()
    {
        using var sandbox = new CgroupSandbox(Cpu, Memory);
        var result = Actuator().Apply(Command(sandbox.Name, cores: 0.5, memory: 128UL << 20), new ResizeTarget(ResizeTargetKind.Cgroup, sandbox.Name), dryRun: true);

        Assert.Equal(Status.DryRun, result.Status);
        Assert.Equal("max", result.Before["cpu_cores"]);
        Assert.Equal("0.5", result.After["cpu_cores"]);
        Assert.Equal("50000", result.After["cpu.cfs_quota_us"]);
        Assert.Equal("134217728", result.After["memory_bytes"]);
        Assert.Equal("-1", File.ReadAllText(Path.Combine(sandbox.Dir(Cpu), "cpu.cfs_quota_us")).Trim());
        Assert.True(ReadUInt(Path.Combine(sandbox.Dir(Memory), "memory.limit_in_bytes")) >= 1UL << 60, "the memory limit is still unlimited");
    }

    /// <summary>
    /// A process holding 96 MiB of anonymous memory on a host without swap: a 48 MiB limit cannot be reclaimed
    /// down to, the kernel refuses the write (EBUSY), and the CPU quota written before it is put back.
    /// </summary>
    [Fact]
    public async Task Apply_MemoryBelowUsage_KernelRefusesAndQuotaIsRolledBack()
    {
        using var sandbox = new CgroupSandbox(Cpu, Memory);
        var usage = Path.Combine(sandbox.Dir(Memory), "memory.usage_in_bytes");
        sandbox.Spawn("exec python3 -c \"import time; b = b'x' * (96 << 20); time.sleep(120)\"");
        await Eventually.Until(() => ReadUInt(usage) >= 90UL << 20, "the child holds 90 MiB", Deadline);

        var result = Actuator().Apply(Command(sandbox.Name, cores: 0.5, memory: 48UL << 20), new ResizeTarget(ResizeTargetKind.Cgroup, sandbox.Name), dryRun: false);

        Assert.Equal(Status.RolledBack, result.Status);
        Assert.Contains("memory.limit_in_bytes", result.Message, StringComparison.Ordinal);
        Assert.Contains("below current usage", result.Message, StringComparison.Ordinal);
        Assert.Contains("restored cpu.cfs_quota_us", result.Message, StringComparison.Ordinal);
        Assert.Equal("max", result.After["cpu_cores"]);
        Assert.Equal("max", result.After["memory_bytes"]);
        Assert.Equal("-1", File.ReadAllText(Path.Combine(sandbox.Dir(Cpu), "cpu.cfs_quota_us")).Trim());
    }

    [Fact]
    public void Apply_NoSuchCgroup_Rejected()
    {
        CgroupSandbox.RequireRoot();
        var result = Actuator().Apply(Command("shadow-no-such-group"), new ResizeTarget(ResizeTargetKind.Cgroup, "shadow-no-such-group"), dryRun: false);
        Assert.Equal(Status.Rejected, result.Status);
        Assert.Contains("no cgroup 'shadow-no-such-group'", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Capabilities_V1Roots_AdvertiseCgroup1() => Assert.Equal(["resize.cgroup1"], Actuator().Capabilities);
}
