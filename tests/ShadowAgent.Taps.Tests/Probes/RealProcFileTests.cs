using ShadowAgent.Taps.Probes;

namespace ShadowAgent.Taps.Tests.Probes;

/// <summary>The parsers on this machine's own /proc and cgroup files, as the kernel writes them.</summary>
public sealed class RealProcFileTests
{
    private readonly ProbeFile _file = new(256);

    [Fact]
    public void CpuStat_RealProc_CountsTheMachinesCpus()
    {
        Assert.True(_file.TryRead("/proc/stat", out var text));
        Assert.True(CpuStatParser.TryParse(text, out var t));
        Assert.Equal(Environment.ProcessorCount, t.Cpus);
        Assert.InRange(t.Busy, 1UL, t.Total);
    }

    [Fact]
    public void MemInfo_RealProc_MatchesTheHostTotal()
    {
        Assert.True(_file.TryRead("/proc/meminfo", out var text));
        Assert.True(MemInfoParser.TryParse(text, out var total, out var available));
        Assert.InRange(available, 1UL, total);
        Assert.True(total > 64UL << 20, $"MemTotal {total} bytes");
    }

    [Fact]
    public void NetDevAndDiskStats_RealProc_Parse()
    {
        Assert.True(_file.TryRead("/proc/net/dev", out var text));
        Assert.True(NetDevParser.TryParse(text, out _, out _));
        Assert.True(_file.TryRead("/proc/diskstats", out text));
        var disks = HostProbe.WholeDisks("/sys/block");
        Assert.True(DiskStatsParser.TryParse(text, disks, out _, out _));
    }

    [Fact]
    public void Pressure_RealProc_ReadsEachResource()
    {
        foreach (var resource in new[] { "cpu", "memory", "io" })
        {
            Assert.True(_file.TryRead($"/proc/pressure/{resource}", out var text), $"/proc/pressure/{resource} is readable");
            Assert.True(PressureParser.TryParseSomeAvg10(text, out var percent));
            Assert.InRange(percent, 0, 100);
        }
    }

    [Fact]
    public void CgroupV1Files_RealRootCgroup_Parse()
    {
        Assert.True(_file.TryRead("/sys/fs/cgroup/cpu/cpu.stat", out var text));
        Assert.True(ProcText.TryGetKeyed(text, "nr_periods"u8, out _));
        Assert.True(ProcText.TryGetKeyed(text, "throttled_time"u8, out _));
        Assert.True(_file.TryRead("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", out text));
        Assert.True(CgroupValueParser.TryParseInt64(text, out var quota));
        Assert.Equal(-1, quota);
        Assert.True(_file.TryRead("/sys/fs/cgroup/cpuacct/cpuacct.usage", out text));
        Assert.True(CgroupValueParser.TryParseUInt64(text, out var usage));
        Assert.True(usage > 0);
        Assert.True(_file.TryRead("/sys/fs/cgroup/memory/memory.usage_in_bytes", out text));
        Assert.True(CgroupValueParser.TryParseUInt64(text, out var bytes));
        Assert.True(bytes > 0);
        Assert.True(_file.TryRead("/sys/fs/cgroup/memory/memory.limit_in_bytes", out text));
        Assert.True(CgroupValueParser.TryParseV1MemoryLimit(text, out var limit));
        Assert.Null(limit);
    }

    [Fact]
    public void CgroupV2Files_RealUnifiedRoot_Parse()
    {
        Assert.True(_file.TryRead("/sys/fs/cgroup/unified/cpu.stat", out var text));
        Assert.True(ProcText.TryGetKeyed(text, "usage_usec"u8, out var usage));
        Assert.True(usage > 0);
        Assert.True(_file.TryRead("/sys/fs/cgroup/unified/cpu.pressure", out text));
        Assert.True(PressureParser.TryParseSomeAvg10(text, out _));
    }

    [Fact]
    public void ProbeFile_MissingFile_ReturnsFalse() => Assert.False(_file.TryRead("/proc/no-such-file", out _));

    [Fact]
    public void ProbeFile_FileLargerThanBuffer_GrowsAndReadsAll()
    {
        Assert.True(_file.TryRead("/proc/self/status", out var text));
        Assert.Contains(FirstTokens(text), t => t == "VmRSS:");
        Assert.True(text.Length > 256);
    }

    private static List<string> FirstTokens(ReadOnlySpan<byte> text)
    {
        var list = new List<string>();
        while (ProcText.NextLine(ref text, out var line))
        {
            if (ProcText.NextToken(ref line, out var name))
            {
                list.Add(System.Text.Encoding.ASCII.GetString(name));
            }
        }

        return list;
    }
}
