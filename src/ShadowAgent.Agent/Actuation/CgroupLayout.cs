using ShadowAgent.Taps.Probes;

namespace ShadowAgent.Agent.Actuation;

/// <summary>
/// The control files of one cgroup, v2 where the unified hierarchy holds the controller, else v1. Null where
/// the cgroup has no such controller under the allowed roots.
/// </summary>
internal sealed record CgroupLayout
{
    public string? CpuMax { get; init; }

    public string? CfsQuota { get; init; }

    public string? CfsPeriod { get; init; }

    public string? CpuWeight { get; init; }

    public string? CpuShares { get; init; }

    public string? MemoryMax { get; init; }

    public string? MemoryHigh { get; init; }

    public string? MemoryCurrent { get; init; }

    public string? MemoryLimit { get; init; }

    public string? MemoryUsage { get; init; }

    public string? IoMax { get; init; }

    public static CgroupLayout Of(IReadOnlyList<string> dirs)
    {
        var cpuMax = CgroupPaths.Find(dirs, "cpu.max", v2: true);
        var quota = cpuMax is null ? CgroupPaths.Find(dirs, "cpu.cfs_quota_us", v2: false) : null;
        var weight = CgroupPaths.Find(dirs, "cpu.weight", v2: true);
        var memMax = CgroupPaths.Find(dirs, "memory.max", v2: true);
        var memLimit = memMax is null ? CgroupPaths.Find(dirs, "memory.limit_in_bytes", v2: false) : null;
        return new CgroupLayout
        {
            CpuMax = cpuMax,
            CfsQuota = quota,
            CfsPeriod = quota is null ? null : Sibling(quota, "cpu.cfs_period_us"),
            CpuWeight = weight,
            CpuShares = weight is null ? CgroupPaths.Find(dirs, "cpu.shares", v2: false) : null,
            MemoryMax = memMax,
            MemoryHigh = memMax is null ? null : Existing(Sibling(memMax, "memory.high")),
            MemoryCurrent = memMax is null ? null : Existing(Sibling(memMax, "memory.current")),
            MemoryLimit = memLimit,
            MemoryUsage = memLimit is null ? null : Existing(Sibling(memLimit, "memory.usage_in_bytes")),
            IoMax = CgroupPaths.Find(dirs, "io.max", v2: true),
        };
    }

    private static string Sibling(string path, string file) => Path.Combine(Path.GetDirectoryName(path)!, file);

    private static string? Existing(string path) => File.Exists(path) ? path : null;
}
