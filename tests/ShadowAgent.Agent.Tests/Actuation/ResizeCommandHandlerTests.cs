using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Agent.Actuation;
using ShadowAgent.Protocol.V1;
using Status = ShadowAgent.Protocol.V1.CommandResult.Types.Status;

namespace ShadowAgent.Agent.Tests.Actuation;

/// <summary>
/// The handler's rules, with the real cgroup v2 writer on a temporary tree and the real libvirt test driver
/// as actuators.
/// </summary>
public sealed class ResizeCommandHandlerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"shadow-h-{Guid.NewGuid():N}");
    private readonly string _dir;
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));

    public ResizeCommandHandlerTests()
    {
        _dir = Path.Combine(_root, "web");
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_root, "cgroup.controllers"), "cpu memory\n");
        File.WriteAllText(Path.Combine(_dir, "cgroup.controllers"), "cpu memory\n");
        File.WriteAllText(Path.Combine(_dir, "cpu.max"), "max 100000\n");
        File.WriteAllText(Path.Combine(_dir, "memory.max"), "max\n");
        File.WriteAllText(Path.Combine(_dir, "memory.current"), "1048576\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ActuationOptions Options(Action<ActuationOptions>? change = null)
    {
        var o = new ActuationOptions
        {
            Enabled = true,
            CgroupRoots = [_root],
            MinCpuCores = 0.1,
            MaxCpuCores = 4,
            MinMemoryBytes = 1 << 20,
            MaxMemoryBytes = 1L << 34,
            Libvirt = new LibvirtOptions { Uri = "test:///default", Domains = ["test"] },
        };
        change?.Invoke(o);
        return o;
    }

    private ResizeCommandHandler Handler(ActuationOptions options) => ResizeCommandHandler.Create(options, _time, NullLogger.Instance);

    private static ResizeCommand Cores(string id, double cores, string target = "cgroup:web", bool dryRun = false) =>
        new() { CommandId = id, Target = target, CpuCores = cores, DryRun = dryRun, Reason = "test" };

    private string CpuMax => File.ReadAllText(Path.Combine(_dir, "cpu.max")).Trim();

    [Fact]
    public async Task Handle_Valid_Applied()
    {
        using var h = Handler(Options());
        var r = await h.HandleAsync(Cores("a", 0.5), CancellationToken.None);
        Assert.Equal(Status.Applied, r.Status);
        Assert.Equal("a", r.CommandId);
        Assert.Equal("50000 100000", CpuMax);
    }

    [Fact]
    public async Task Handle_LeadingSlash_MeansTheRoot()
    {
        using var h = Handler(Options());
        var r = await h.HandleAsync(Cores("slash", 0.5, target: "cgroup:/web"), CancellationToken.None);
        Assert.Equal(Status.Applied, r.Status);
        Assert.Equal("50000 100000", CpuMax);
    }

    [Fact]
    public async Task Handle_RepeatedId_RecordedResultAndNoSecondChange()
    {
        using var h = Handler(Options());
        var first = await h.HandleAsync(Cores("same", 0.5), CancellationToken.None);
        File.WriteAllText(Path.Combine(_dir, "cpu.max"), "max 100000\n");
        var second = await h.HandleAsync(Cores("same", 2), CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal("max 100000", CpuMax);
    }

    [Fact]
    public async Task Handle_RepeatedIdWhileRunning_BothGetOneResult()
    {
        using var h = Handler(Options());
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => h.HandleAsync(Cores("burst", 1), CancellationToken.None)));
        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Equal(Status.Applied, results[0].Status);
    }

    [Fact]
    public async Task Handle_RecentCommandsFull_OldestIdForgotten()
    {
        using var h = Handler(Options(o => o.RecentCommands = 2));
        await h.HandleAsync(Cores("1", 0.5), CancellationToken.None);
        await h.HandleAsync(Cores("2", 0.6), CancellationToken.None);
        await h.HandleAsync(Cores("3", 0.7), CancellationToken.None);
        var again = await h.HandleAsync(Cores("1", 0.5), CancellationToken.None);
        Assert.Equal("0.7", again.Before["cpu_cores"]);
    }

    [Fact]
    public async Task Handle_DryRunPerCommand_DryRunAndNothingWritten()
    {
        using var h = Handler(Options());
        var r = await h.HandleAsync(Cores("d", 0.5, dryRun: true), CancellationToken.None);
        Assert.Equal(Status.DryRun, r.Status);
        Assert.Equal(("max", "0.5"), (r.Before["cpu_cores"], r.After["cpu_cores"]));
        Assert.Equal("max 100000", CpuMax);
    }

    [Fact]
    public async Task Handle_GlobalDryRun_EveryCommandDryRun()
    {
        using var h = Handler(Options(o => o.DryRun = true));
        var cgroup = await h.HandleAsync(Cores("g1", 0.5), CancellationToken.None);
        var vm = await h.HandleAsync(Cores("g2", 1, target: "vm:test"), CancellationToken.None);
        Assert.Equal((Status.DryRun, Status.DryRun), (cgroup.Status, vm.Status));
        Assert.Equal("max 100000", CpuMax);
    }

    [Fact]
    public async Task Handle_Disabled_Rejected()
    {
        using var h = Handler(Options(o => o.Enabled = false));
        var r = await h.HandleAsync(Cores("x", 0.5), CancellationToken.None);
        Assert.Equal(Status.Rejected, r.Status);
        Assert.Contains("Agent:Actuation:Enabled", r.Message, StringComparison.Ordinal);
        Assert.Empty(h.Capabilities);
    }

    [Theory]
    [InlineData("cgroup:../etc", "'..' segment")]
    [InlineData("cgroup:/sys/fs/cgroup/cpu", "no cgroup 'sys/fs/cgroup/cpu' under the allowed roots")]
    [InlineData("cgroup:shadow/./web", "'.' or '..' segment")]
    [InlineData("pod:web", "neither 'cgroup:<path>' nor 'vm:<domain>'")]
    [InlineData("cgroup:other", "no cgroup 'other' under the allowed roots")]
    public async Task Handle_TargetOutsideRoots_Rejected(string target, string why)
    {
        using var h = Handler(Options());
        var r = await h.HandleAsync(Cores("t", 0.5, target), CancellationToken.None);
        Assert.Equal(Status.Rejected, r.Status);
        Assert.Contains(why, r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.05, null, null, "below Agent:Actuation:MinCpuCores (0.1)")]
    [InlineData(8.0, null, null, "above Agent:Actuation:MaxCpuCores (4)")]
    [InlineData(null, 1024UL, null, "below Agent:Actuation:MinMemoryBytes (1048576)")]
    [InlineData(null, 1UL << 40, null, "above Agent:Actuation:MaxMemoryBytes (17179869184)")]
    [InlineData(null, null, 20000u, "outside Agent:Actuation:MinCpuWeight..MaxCpuWeight (1..10000)")]
    [InlineData(null, null, null, "changes nothing")]
    public async Task Handle_OutsideBounds_RejectedNamingTheBound(double? cores, ulong? memory, uint? weight, string why)
    {
        using var h = Handler(Options());
        var c = new ResizeCommand { CommandId = "b", Target = "cgroup:web" };
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

        var r = await h.HandleAsync(c, CancellationToken.None);
        Assert.Equal(Status.Rejected, r.Status);
        Assert.Contains(why, r.Message, StringComparison.Ordinal);
        Assert.Equal("max 100000", CpuMax);
    }

    [Fact]
    public async Task Handle_OverRateLimit_RejectedThenAcceptedAfterAMinute()
    {
        using var h = Handler(Options(o => o.MaxCommandsPerMinute = 2));
        Assert.Equal(Status.Applied, (await h.HandleAsync(Cores("r1", 0.5), CancellationToken.None)).Status);
        Assert.Equal(Status.Applied, (await h.HandleAsync(Cores("r2", 0.6), CancellationToken.None)).Status);
        var limited = await h.HandleAsync(Cores("r3", 0.7), CancellationToken.None);
        Assert.Equal(Status.Rejected, limited.Status);
        Assert.Contains("MaxCommandsPerMinute", limited.Message, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(61));
        var later = await h.HandleAsync(Cores("r3", 0.7), CancellationToken.None);
        Assert.Equal(Status.Applied, later.Status);
        Assert.Equal("70000 100000", CpuMax);
    }

    [Fact]
    public async Task Handle_MissingId_Rejected()
    {
        using var h = Handler(Options());
        var r = await h.HandleAsync(Cores("", 0.5), CancellationToken.None);
        Assert.Equal(Status.Rejected, r.Status);
        Assert.Contains("command_id", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handle_VmWithoutLibvirt_RejectedNamingTheKey()
    {
        using var h = Handler(Options(o => o.Libvirt = new LibvirtOptions()));
        var r = await h.HandleAsync(Cores("v", 1, target: "vm:test"), CancellationToken.None);
        Assert.Equal(Status.Rejected, r.Status);
        Assert.Contains("Agent:Actuation:Libvirt:Uri", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handle_VmThroughLibvirt_AppliedAndFailedAndRolledBack()
    {
        using var h = Handler(Options());
        var applied = await h.HandleAsync(new ResizeCommand { CommandId = "m1", Target = "vm:test", MemoryBytes = 1UL << 30 }, CancellationToken.None);
        var failed = await h.HandleAsync(new ResizeCommand { CommandId = "m2", Target = "vm:test", MemoryBytes = 12UL << 30 }, CancellationToken.None);
        var rolledBack = await h.HandleAsync(new ResizeCommand { CommandId = "m3", Target = "vm:test", MemoryBytes = 3UL << 30, CpuCores = 3 }, CancellationToken.None);

        Assert.Equal(Status.Applied, applied.Status);
        Assert.Equal(Status.Failed, failed.Status);
        Assert.Equal(Status.RolledBack, rolledBack.Status);
        Assert.Equal("1073741824", rolledBack.After["memory_bytes"]);
    }

    [Fact]
    public void Capabilities_Configured_ListEachActuator() =>
        Assert.Equal(["resize.cgroup2", "resize.libvirt"], Handler(Options()).Capabilities);
}
