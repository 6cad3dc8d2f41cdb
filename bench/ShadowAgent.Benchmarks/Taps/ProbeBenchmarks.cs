using BenchmarkDotNet.Attributes;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Probes;

namespace ShadowAgent.Benchmarks.Taps;

/// <summary>
/// µs per probe sample as the probe tap takes it once per interval: the host probe (/proc/stat, meminfo,
/// net/dev, diskstats and three pressure files, each opened, read and closed), a cgroup v1 probe over a real
/// cgroup of this machine (cpuacct.usage, cpu.stat, quota and period, memory usage and limit, plus the unified
/// hierarchy's pressure files), and the parsers alone on /proc/stat held in memory. Needs root for the cgroup.
/// </summary>
[MemoryDiagnoser]
public class ProbeBenchmarks
{
    private static readonly string[] V1 = ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified"];
    private readonly double[] _values = new double[ProbeFields.Host.Count];
    private readonly string _name = $"shadow-bench-{Environment.ProcessId}";
    private HostProbe _host = null!;
    private CgroupProbe _cgroup = null!;
    private byte[] _stat = [];

    [GlobalSetup]
    public void Setup()
    {
        foreach (var root in V1)
        {
            Directory.CreateDirectory(Path.Combine(root, _name));
        }

        File.WriteAllText(Path.Combine(V1[0], _name, "cpu.cfs_quota_us"), "50000");
        _host = new HostProbe();
        _cgroup = new CgroupProbe(V1, _name);
        _stat = File.ReadAllBytes("/proc/stat");
        _host.Sample(0, _values, out _);
        _cgroup.Sample(0, _values, out _);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var root in V1)
        {
            Directory.Delete(Path.Combine(root, _name));
        }
    }

    [Benchmark]
    public bool HostSample() => _host.Sample(1.0, _values, out _);

    [Benchmark]
    public bool CgroupV1Sample() => _cgroup.Sample(1.0, _values, out _);

    [Benchmark]
    public bool ParseProcStat() => CpuStatParser.TryParse(_stat, out _);
}
