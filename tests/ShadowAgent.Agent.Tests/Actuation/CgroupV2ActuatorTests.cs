using ShadowAgent.Agent.Actuation;
using ShadowAgent.Protocol.V1;
using Status = ShadowAgent.Protocol.V1.CommandResult.Types.Status;

namespace ShadowAgent.Agent.Tests.Actuation;

/// <summary>
/// The v2 writer. This machine's unified hierarchy holds only hugetlb (cpu, io and memory belong to v1), so
/// the controller files are laid out in a temporary directory for the file logic; the real unified hierarchy
/// is used for what it has: a real v2 cgroup with a real process, refused for lack of a cpu controller.
/// </summary>
public sealed class CgroupV2ActuatorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"shadow-v2-{Guid.NewGuid():N}");
    private readonly string _dir;

    public CgroupV2ActuatorTests()
    {
        _dir = Path.Combine(_root, "shadow", "web");
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_root, "cgroup.controllers"), "cpu io memory\n");
        Write("cgroup.controllers", "cpu io memory\n");
        Write("cpu.max", "max 100000\n");
        Write("cpu.weight", "100\n");
        Write("memory.max", "max\n");
        Write("memory.high", "max\n");
        Write("memory.current", "52428800\n");
        Write("io.max", "8:16 rbps=1000 wbps=max riops=max wiops=max\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string file, string content) => File.WriteAllText(Path.Combine(_dir, file), content);

    private void RefuseWrites(string file)
    {
        File.Delete(Path.Combine(_dir, file));
        File.CreateSymbolicLink(Path.Combine(_dir, file), "/proc/version");
    }

    private string Read(string file) => File.ReadAllText(Path.Combine(_dir, file)).Trim();

    private CommandResult Apply(ResizeCommand c, bool dryRun = false) =>
        new CgroupActuator([_root]).Apply(c, new ResizeTarget(ResizeTargetKind.Cgroup, "shadow/web"), dryRun);

    private static ResizeCommand Command() => new() { CommandId = "c", Target = "cgroup:shadow/web" };

    [Fact]
    public void Apply_CpuWeightMemory_WritesCpuMaxWeightMaxAndHigh()
    {
        var c = Command();
        c.CpuCores = 1.5;
        c.CpuWeight = 300;
        c.MemoryBytes = 100UL << 20;
        var r = Apply(c);

        Assert.Equal(Status.Applied, r.Status);
        Assert.Equal("150000 100000", Read("cpu.max"));
        Assert.Equal("300", Read("cpu.weight"));
        Assert.Equal("104857600", Read("memory.max"));
        Assert.Equal("94371840", Read("memory.high"));
        Assert.Equal(("max", "1.5"), (r.Before["cpu_cores"], r.After["cpu_cores"]));
        Assert.Equal(("max 100000", "150000 100000"), (r.Before["cpu.max"], r.After["cpu.max"]));
        Assert.Equal(("100", "300"), (r.Before["cpu_weight"], r.After["cpu_weight"]));
        Assert.Equal(("max", "104857600"), (r.Before["memory_bytes"], r.After["memory_bytes"]));
    }

    [Fact]
    public void Apply_IoMax_WritesTheLine()
    {
        var c = Command();
        c.IoMax = "8:0 rbps=1048576 wiops=100";
        var r = Apply(c);
        Assert.Equal(Status.Applied, r.Status);
        Assert.Equal("8:0 rbps=1048576 wiops=100", Read("io.max"));
    }

    [Theory]
    [InlineData("sda rbps=1")]
    [InlineData("8:0")]
    [InlineData("8:0 speed=fast")]
    [InlineData("8:0 rbps=-5")]
    public void Apply_BadIoMax_Rejected(string line)
    {
        var c = Command();
        c.IoMax = line;
        var r = Apply(c);
        Assert.Equal(Status.Rejected, r.Status);
        Assert.StartsWith($"io_max '{line}'", r.Message, StringComparison.Ordinal);
        Assert.Equal("8:16 rbps=1000 wbps=max riops=max wiops=max", Read("io.max"));
    }

    [Fact]
    public void Apply_MemoryBelowCurrent_RejectedBeforeAnyWrite()
    {
        var c = Command();
        c.CpuCores = 2;
        c.MemoryBytes = 10UL << 20;
        var r = Apply(c);
        Assert.Equal(Status.Rejected, r.Status);
        Assert.Contains("below the cgroup's current usage (52428800 bytes", r.Message, StringComparison.Ordinal);
        Assert.Equal("max 100000", Read("cpu.max"));
        Assert.Equal("max", Read("memory.max"));
    }

    [Fact]
    public void Apply_SecondWriteFails_FirstIsRestored()
    {
        // memory.high made a link to a file the kernel refuses writes to (EIO): it fails after cpu.max and memory.max.
        RefuseWrites("memory.high");
        var c = Command();
        c.CpuCores = 0.5;
        c.MemoryBytes = 200UL << 20;
        var r = Apply(c);

        Assert.Equal(Status.RolledBack, r.Status);
        Assert.StartsWith("writing memory.high = '188743680' failed", r.Message, StringComparison.Ordinal);
        Assert.EndsWith("restored cpu.max, memory.max", r.Message, StringComparison.Ordinal);
        Assert.Equal("max 100000", Read("cpu.max"));
        Assert.Equal("max", Read("memory.max"));
    }

    [Fact]
    public void Apply_FirstWriteFails_FailedWithNothingToRestore()
    {
        RefuseWrites("cpu.weight");
        var c = Command();
        c.CpuWeight = 50;
        var r = Apply(c);
        Assert.Equal(Status.Failed, r.Status);
        Assert.StartsWith("writing cpu.weight = '50' failed", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8:16 rbps=1000 wbps=max riops=max wiops=max", "8:0 rbps=5", "8:0 rbps=max wbps=max riops=max wiops=max")]
    [InlineData("8:0 rbps=7 wbps=max riops=max wiops=max\n8:16 rbps=1 wbps=max riops=max wiops=max", "8:0 rbps=5", "8:0 rbps=7 wbps=max riops=max wiops=max")]
    public void RestoreValues_IoMax_PutsBackOnlyTheWrittenDevice(string old, string written, string restore) =>
        Assert.Equal([restore], CgroupActuator.RestoreValues("/x/io.max", old, written));

    [Fact]
    public void RestoreValues_V1UnlimitedMemory_WritesMinusOne() =>
        Assert.Equal(["-1"], CgroupActuator.RestoreValues("/x/memory.limit_in_bytes", "9223372036854771712", "1048576"));

    [Fact]
    public void Apply_DryRun_WritesNothing()
    {
        var c = Command();
        c.CpuCores = 0.25;
        var r = Apply(c, dryRun: true);
        Assert.Equal(Status.DryRun, r.Status);
        Assert.Equal("25000 100000", r.After["cpu.max"]);
        Assert.Equal("0.25", r.After["cpu_cores"]);
        Assert.Equal("max 100000", Read("cpu.max"));
    }

    [Fact]
    public void Capabilities_V2Root_AdvertiseCgroup2() => Assert.Equal(["resize.cgroup2"], new CgroupActuator([_root]).Capabilities);

    /// <summary>A real v2 cgroup on this host, with a real process in it: no cpu controller to write, so the command is refused and nothing changes.</summary>
    [Fact]
    public void Apply_RealUnifiedCgroupWithoutCpuController_RejectedNamingTheController()
    {
        using var sandbox = new CgroupSandbox("/sys/fs/cgroup/unified");
        sandbox.Spawn("sleep 60");
        var c = new ResizeCommand { CommandId = "u", Target = "cgroup:" + sandbox.Name, CpuCores = 0.5 };
        var r = new CgroupActuator(["/sys/fs/cgroup/unified"]).Apply(c, new ResizeTarget(ResizeTargetKind.Cgroup, sandbox.Name), dryRun: false);
        Assert.Equal(Status.Rejected, r.Status);
        Assert.Contains("no cpu controller", r.Message, StringComparison.Ordinal);
        Assert.NotEmpty(File.ReadAllLines(Path.Combine(sandbox.Dir("/sys/fs/cgroup/unified"), "cgroup.procs")));
    }
}
