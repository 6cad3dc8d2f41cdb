using ShadowAgent.Agent.Uplink;

namespace ShadowAgent.Agent.Tests.Uplink;

public sealed class HostFactsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("host-facts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CgroupMode_ControllersAtRoot_V2()
    {
        File.WriteAllText(Path.Combine(_dir, "cgroup.controllers"), "cpu memory");

        Assert.Equal("v2", HostFacts.CgroupMode(_dir));
    }

    [Fact]
    public void CgroupMode_UnifiedBesideV1_Hybrid()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "unified"));
        Directory.CreateDirectory(Path.Combine(_dir, "cpu"));

        Assert.Equal("hybrid", HostFacts.CgroupMode(_dir));
    }

    [Fact]
    public void CgroupMode_OnlyControllerDirectories_V1()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "memory"));

        Assert.Equal("v1", HostFacts.CgroupMode(_dir));
        Assert.Equal("", HostFacts.CgroupMode(Path.Combine(_dir, "absent")));
    }

    [Fact]
    public void ReadMemTotal_Meminfo_Bytes()
    {
        var path = Path.Combine(_dir, "meminfo");
        File.WriteAllText(path, "MemFree:  100 kB\nMemTotal:       16384 kB\n");

        Assert.Equal(16384ul * 1024, HostFacts.ReadMemTotal(path));
        Assert.Equal(0ul, HostFacts.ReadMemTotal(Path.Combine(_dir, "absent")));
    }

    [Fact]
    public void ReadResources_ThisHost_Plausible()
    {
        var r = HostFacts.ReadResources();

        Assert.Equal((uint)Environment.ProcessorCount, r.LogicalCpus);
        Assert.True(r.MemoryBytes > 0);
        Assert.Equal("linux", r.Os);
        Assert.False(string.IsNullOrEmpty(r.Architecture));
    }
}
