namespace ShadowAgent.Core.Streams;

/// <summary>What a resource probe samples and how often.</summary>
public sealed class ProbeOptions
{
    /// <summary>"host" (from /proc) or "cgroup:&lt;path relative to a cgroup root&gt;", for example "cgroup:shadow/web".</summary>
    public string Target { get; set; } = ProbeTargets.Host;

    /// <summary>Time between samples; each sample is one record.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Cgroup roots the target's path is resolved under (v2 or v1 per directory). Empty: the standard mounts,
    /// /sys/fs/cgroup when it is the unified hierarchy, else its cpu, cpuacct, memory and unified directories.
    /// </summary>
    public List<string> CgroupRoots { get; set; } = [];

    /// <summary>Where /proc is mounted (a container may see the host's under another path).</summary>
    public string ProcRoot { get; set; } = "/proc";
}

public static class ProbeTargets
{
    public const string Host = "host";
    public const string CgroupPrefix = "cgroup:";

    /// <summary>
    /// The cgroup path of a "cgroup:..." target, relative to a root. A leading '/' is read as the root itself
    /// ("cgroup:/shadow/web" is "shadow/web", as /proc/self/cgroup writes paths), so it can never leave the root.
    /// </summary>
    public static string CgroupPath(string target) => target[CgroupPrefix.Length..].TrimStart('/');

    /// <summary>
    /// Checks a cgroup path relative to a root: not empty, not absolute, no "." or ".." segment, no empty
    /// segment, printable. The same rule keeps probes and actuators inside their roots.
    /// </summary>
    public static bool IsSafeRelativePath(string path, out string why)
    {
        if (string.IsNullOrEmpty(path))
        {
            why = "the cgroup path is empty";
            return false;
        }

        if (path.StartsWith('/'))
        {
            why = "the cgroup path must be relative to a cgroup root";
            return false;
        }

        if (path.Length > 1024 || path.Any(char.IsControl))
        {
            why = "the cgroup path must be at most 1024 printable characters";
            return false;
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                why = $"the cgroup path may not have an empty, '.' or '..' segment";
                return false;
            }
        }

        why = "";
        return true;
    }
}

/// <summary>The numeric fields a probe fills, by target kind (the names the aggregator reads).</summary>
public static class ProbeFields
{
    public const string CpuUtil = "cpu.util";
    public const string CpuCoresUsed = "cpu.cores_used";
    public const string MemUsedBytes = "mem.used_bytes";
    public const string MemAvailableBytes = "mem.available_bytes";
    public const string NetRxBps = "net.rx_bps";
    public const string NetTxBps = "net.tx_bps";
    public const string DiskReadBps = "disk.read_bps";
    public const string DiskWriteBps = "disk.write_bps";
    public const string PsiCpu = "psi.cpu.some_avg10";
    public const string PsiMemory = "psi.memory.some_avg10";
    public const string PsiIo = "psi.io.some_avg10";
    public const string CpuLimitCores = "cpu.limit_cores";
    public const string CpuThrottledRatio = "cpu.throttled_ratio";
    public const string CpuThrottledSeconds = "cpu.throttled_s";
    public const string MemCurrentBytes = "mem.current_bytes";
    public const string MemLimitBytes = "mem.limit_bytes";
    public const string MemUtil = "mem.util";

    /// <summary>Host probe fields, in the order the probe fills them.</summary>
    public static IReadOnlyList<string> Host { get; } =
    [
        CpuUtil, CpuCoresUsed, MemUsedBytes, MemAvailableBytes, NetRxBps, NetTxBps, DiskReadBps, DiskWriteBps, PsiCpu, PsiMemory, PsiIo,
    ];

    /// <summary>Cgroup probe fields, in the order the probe fills them.</summary>
    public static IReadOnlyList<string> Cgroup { get; } =
    [
        CpuCoresUsed, CpuLimitCores, CpuUtil, CpuThrottledRatio, CpuThrottledSeconds, MemCurrentBytes, MemLimitBytes, MemUtil, PsiCpu, PsiMemory, PsiIo,
    ];

    public static IReadOnlyList<string> For(string target) => target == ProbeTargets.Host ? Host : Cgroup;
}
