using ShadowAgent.Agent.Actuation;
using ShadowAgent.Protocol.V1;
using Status = ShadowAgent.Protocol.V1.CommandResult.Types.Status;

namespace ShadowAgent.Agent.Tests.Actuation;

/// <summary>
/// VM resizing through libvirt's C API against its test driver (test:///default): domain "test", running, 2
/// vCPUs of at most 2, 2 GiB of at most 8 GiB. Each test has its own actuator, so its own connection and a
/// fresh copy of the driver's state.
/// </summary>
public sealed class LibvirtActuatorTests : IDisposable
{
    private readonly LibvirtActuator _actuator = new(new LibvirtOptions { Uri = "test:///default", Domains = ["test", "missing"] });

    public void Dispose() => _actuator.Dispose();

    private static ResizeCommand Command(string domain, double? cores = null, ulong? memory = null)
    {
        var c = new ResizeCommand { CommandId = "v", Target = "vm:" + domain };
        if (cores is { } x)
        {
            c.CpuCores = x;
        }

        if (memory is { } m)
        {
            c.MemoryBytes = m;
        }

        return c;
    }

    private CommandResult Apply(ResizeCommand c, bool dryRun = false)
    {
        Assert.True(ResizeTarget.TryParse(c.Target, out var target, out _));
        return _actuator.Apply(c, target, dryRun);
    }

    [Fact]
    public void Apply_VcpusAndMemory_ChangedLiveAndReadBack()
    {
        var r = Apply(Command("test", cores: 1, memory: 1UL << 30));

        Assert.Equal(Status.Applied, r.Status);
        Assert.Equal(("2", "1"), (r.Before["cpu_cores"], r.After["cpu_cores"]));
        Assert.Equal(("2147483648", "1073741824"), (r.Before["memory_bytes"], r.After["memory_bytes"]));
        Assert.Equal("8388608", r.After["max_memory_kib"]);
        Assert.Equal("2", r.After["max_vcpus"]);

        // The same connection sees the change: resizing back reads 1 vCPU before.
        var back = Apply(Command("test", cores: 2));
        Assert.Equal(("1", "2"), (back.Before["cpu_cores"], back.After["cpu_cores"]));
    }

    [Fact]
    public void Apply_FractionalCores_RoundedUpToWholeVcpus()
    {
        var r = Apply(Command("test", cores: 1.2));
        Assert.Equal(Status.Applied, r.Status);
        Assert.Equal("2", r.After["cpu_cores"]);
    }

    [Fact]
    public void Apply_VcpusAboveMaximum_MemoryChangeRolledBack()
    {
        var r = Apply(Command("test", cores: 3, memory: 4UL << 30));

        Assert.Equal(Status.RolledBack, r.Status);
        Assert.Contains("virDomainSetVcpusFlags(3) failed", r.Message, StringComparison.Ordinal);
        Assert.Contains("exceeds maximum", r.Message, StringComparison.Ordinal);
        Assert.Equal("2147483648", r.After["memory_bytes"]);
        Assert.Equal("2", r.After["cpu_cores"]);
    }

    [Fact]
    public void Apply_MemoryAboveMaximum_FailedWithLibvirtsMessage()
    {
        var r = Apply(Command("test", memory: 16UL << 30));
        Assert.Equal(Status.Failed, r.Status);
        Assert.Contains("cannot set memory higher than max memory", r.Message, StringComparison.Ordinal);
        Assert.Equal("2147483648", r.After["memory_bytes"]);
    }

    [Fact]
    public void Apply_DryRun_LeavesTheDomainAlone()
    {
        var r = Apply(Command("test", cores: 1, memory: 1UL << 30), dryRun: true);
        Assert.Equal(Status.DryRun, r.Status);
        Assert.Equal("1", r.After["cpu_cores"]);
        Assert.Equal("1073741824", r.After["memory_bytes"]);
        var again = Apply(Command("test", cores: 2));
        Assert.Equal("2", again.Before["cpu_cores"]);
        Assert.Equal("2147483648", again.Before["memory_bytes"]);
    }

    [Fact]
    public void Apply_DomainNotAllowed_RejectedWithoutConnecting()
    {
        var r = Apply(Command("other", cores: 1));
        Assert.Equal(Status.Rejected, r.Status);
        Assert.Contains("not in Agent:Actuation:Libvirt:Domains", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_AllowedButMissingDomain_FailedWithLookupError()
    {
        var r = Apply(Command("missing", cores: 1));
        Assert.Equal(Status.Failed, r.Status);
        Assert.StartsWith("virDomainLookupByName('missing') failed", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_BadUri_FailedWithConnectError()
    {
        using var bad = new LibvirtActuator(new LibvirtOptions { Uri = "test:///no/such/file.xml", Domains = ["test"] });
        Assert.True(ResizeTarget.TryParse("vm:test", out var target, out _));
        var r = bad.Apply(Command("test", cores: 1), target, dryRun: false);
        Assert.Equal(Status.Failed, r.Status);
        Assert.StartsWith("virConnectOpen('test:///no/such/file.xml') failed", r.Message, StringComparison.Ordinal);
    }
}
