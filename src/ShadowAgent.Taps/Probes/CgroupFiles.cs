namespace ShadowAgent.Taps.Probes;

/// <summary>
/// Where one cgroup's usage, throttling, limits and pressure are read, v2 or v1 per controller. The hierarchy
/// that holds the CPU controller (v2 cpu.max, v1 cpu.cfs_quota_us) is the one whose usage and throttling count,
/// because on a hybrid host it is the one the limit applies to.
/// </summary>
internal sealed record CgroupFiles
{
    public string? UsagePath { get; init; }

    /// <summary>True: usage_usec in a v2 cpu.stat; false: nanoseconds in v1 cpuacct.usage.</summary>
    public bool UsageV2 { get; init; }

    public string? ThrottlePath { get; init; }

    public bool ThrottleV2 { get; init; }

    public string? CpuMaxPath { get; init; }

    public string? QuotaPath { get; init; }

    public string? PeriodPath { get; init; }

    public string? MemCurrentPath { get; init; }

    public string? MemLimitPath { get; init; }

    public bool MemV2 { get; init; }

    public string? PsiCpuPath { get; init; }

    public string? PsiMemoryPath { get; init; }

    public string? PsiIoPath { get; init; }

    public bool IsEmpty => UsagePath is null && MemCurrentPath is null;

    public static CgroupFiles Resolve(IReadOnlyList<string> dirs)
    {
        var cpuMax = CgroupPaths.Find(dirs, "cpu.max", v2: true);
        var quota = cpuMax is null ? CgroupPaths.Find(dirs, "cpu.cfs_quota_us", v2: false) : null;
        string? usage;
        bool usageV2;
        if (cpuMax is not null)
        {
            (usage, usageV2) = (Sibling(cpuMax, "cpu.stat"), true);
        }
        else if (CgroupPaths.Find(dirs, "cpuacct.usage", v2: false) is { } acct)
        {
            (usage, usageV2) = (acct, false);
        }
        else
        {
            (usage, usageV2) = (CgroupPaths.Find(dirs, "cpu.stat", v2: true), true);
        }

        var memCurrent = CgroupPaths.Find(dirs, "memory.current", v2: true);
        var memV2 = memCurrent is not null;
        memCurrent ??= CgroupPaths.Find(dirs, "memory.usage_in_bytes", v2: false);
        return new CgroupFiles
        {
            UsagePath = usage,
            UsageV2 = usageV2,
            ThrottlePath = cpuMax is not null ? Sibling(cpuMax, "cpu.stat") : quota is not null ? Sibling(quota, "cpu.stat") : null,
            ThrottleV2 = cpuMax is not null,
            CpuMaxPath = cpuMax,
            QuotaPath = quota,
            PeriodPath = quota is not null ? Sibling(quota, "cpu.cfs_period_us") : null,
            MemCurrentPath = memCurrent,
            MemLimitPath = memCurrent is null ? null : Sibling(memCurrent, memV2 ? "memory.max" : "memory.limit_in_bytes"),
            MemV2 = memV2,
            PsiCpuPath = CgroupPaths.Find(dirs, "cpu.pressure", v2: true),
            PsiMemoryPath = CgroupPaths.Find(dirs, "memory.pressure", v2: true),
            PsiIoPath = CgroupPaths.Find(dirs, "io.pressure", v2: true),
        };
    }

    private static string Sibling(string path, string file) => Path.Combine(Path.GetDirectoryName(path)!, file);
}
