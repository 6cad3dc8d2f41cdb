using ShadowAgent.Protocol.V1;
using ShadowAgent.Taps.Probes;
using Status = ShadowAgent.Protocol.V1.CommandResult.Types.Status;

namespace ShadowAgent.Agent.Actuation;

/// <summary>
/// Resizes cgroups under the allowed roots. cgroup v2: cpu.max ("quota period", the period kept), cpu.weight,
/// memory.max with memory.high at 90% of it (reclaim and throttling start before the hard limit), io.max. cgroup
/// v1: cpu.cfs_quota_us (against cpu.cfs_period_us), cpu.shares (weight × 1024 / 100), memory.limit_in_bytes.
/// Values are read before and after from the files themselves. When a write fails, every file already written
/// is restored, newest first, and the result is ROLLED_BACK with the error.
/// </summary>
internal sealed class CgroupActuator : IResizeActuator
{
    /// <summary>memory.high as a share of memory.max.</summary>
    public const double HighShare = 0.9;

    /// <summary>The kernel's smallest CFS quota, 1 ms.</summary>
    private const ulong MinQuotaUs = 1000;

    private readonly IReadOnlyList<string> _roots;

    public CgroupActuator(IReadOnlyList<string> roots)
    {
        _roots = roots;
        var caps = new List<string>();
        if (roots.Any(r => Directory.Exists(r) && !CgroupPaths.IsV2(r)))
        {
            caps.Add("resize.cgroup1");
        }

        if (roots.Any(r => Directory.Exists(r) && CgroupPaths.IsV2(r)))
        {
            caps.Add("resize.cgroup2");
        }

        Capabilities = caps;
    }

    public ResizeTargetKind Kind => ResizeTargetKind.Cgroup;

    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>Nothing to release: files are opened per write.</summary>
    public void Dispose()
    {
    }

    public CommandResult Apply(ResizeCommand command, ResizeTarget target, bool dryRun)
    {
        var id = command.CommandId;
        var dirs = CgroupPaths.Resolve(_roots, target.Name);
        if (dirs.Count == 0)
        {
            return Results.Rejected(id, $"no cgroup '{target.Name}' under the allowed roots ({string.Join(", ", _roots)})");
        }

        var layout = CgroupLayout.Of(dirs);
        Dictionary<string, string> before;
        List<(string Path, string Value)> plan;
        Dictionary<string, string> logicalAfter;
        try
        {
            before = ReadState(layout);
            var refusal = Plan(command, layout, out plan, out logicalAfter);
            if (refusal is not null)
            {
                return Results.Make(id, Status.Rejected, refusal, before);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Results.Make(id, Status.Failed, $"reading the cgroup's files failed: {ex.Message}");
        }

        if (dryRun)
        {
            var wouldBe = new Dictionary<string, string>(before);
            foreach (var (path, value) in plan)
            {
                wouldBe[Path.GetFileName(path)] = value;
            }

            foreach (var (key, value) in logicalAfter)
            {
                wouldBe[key] = value;
            }

            return Results.Make(id, Status.DryRun, $"dry run: would write {Describe(plan)}", before, wouldBe);
        }

        var written = new List<(string Path, string[] Restore)>();
        foreach (var (path, value) in plan)
        {
            string old;
            try
            {
                old = CgroupFileIo.Read(path);
                CgroupFileIo.Write(path, value);
                written.Add((path, RestoreValues(path, old, value)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                var error = $"writing {Path.GetFileName(path)} = '{value}' failed: {ex.Message}{MemoryHint(command, path, before)}";
                var restoreErrors = Restore(written);
                var after = TryReadState(layout);
                if (restoreErrors.Length > 0)
                {
                    return Results.Make(id, Status.Failed, $"{error}; restoring failed too, the cgroup may be partly changed: {restoreErrors}", before, after);
                }

                return written.Count == 0
                    ? Results.Make(id, Status.Failed, error, before, after)
                    : Results.Make(id, Status.RolledBack, $"{error}; restored {string.Join(", ", written.Select(w => Path.GetFileName(w.Path)))}", before, after);
            }
        }

        return Results.Make(id, Status.Applied, $"wrote {Describe(plan)}", before, TryReadState(layout));
    }

    /// <summary>The writes the command needs, or why it cannot be applied to this cgroup.</summary>
    private static string? Plan(ResizeCommand c, CgroupLayout l, out List<(string Path, string Value)> plan, out Dictionary<string, string> logical)
    {
        plan = [];
        logical = [];
        if (c.HasCpuCores)
        {
            if (l.CpuMax is not null)
            {
                var (_, period) = CgroupFileIo.ParseCpuMax(CgroupFileIo.Read(l.CpuMax), l.CpuMax);
                var quota = Quota(c.CpuCores, period);
                plan.Add((l.CpuMax, $"{quota} {period}"));
                logical[Results.CpuCores] = Results.Num((double)quota / period);
            }
            else if (l.CfsQuota is not null && l.CfsPeriod is not null)
            {
                var period = CgroupFileIo.ParseUInt(CgroupFileIo.Read(l.CfsPeriod), l.CfsPeriod);
                var quota = Quota(c.CpuCores, period);
                plan.Add((l.CfsQuota, Results.Num(quota)));
                logical[Results.CpuCores] = Results.Num((double)quota / period);
            }
            else
            {
                return "the cgroup has no cpu controller under the allowed roots (no cpu.max or cpu.cfs_quota_us)";
            }
        }

        if (c.HasCpuWeight)
        {
            if (l.CpuWeight is not null)
            {
                plan.Add((l.CpuWeight, Results.Num((ulong)c.CpuWeight)));
                logical[Results.CpuWeight] = Results.Num((ulong)c.CpuWeight);
            }
            else if (l.CpuShares is not null)
            {
                var shares = CgroupFileIo.WeightToShares(c.CpuWeight);
                plan.Add((l.CpuShares, Results.Num(shares)));
                logical[Results.CpuWeight] = Results.Num((ulong)CgroupFileIo.SharesToWeight(shares));
            }
            else
            {
                return "the cgroup has no cpu controller under the allowed roots (no cpu.weight or cpu.shares)";
            }
        }

        if (c.HasMemoryBytes)
        {
            if (l.MemoryMax is not null)
            {
                // v2 does not refuse a memory.max below usage: it reclaims and then OOM-kills inside the cgroup.
                // The agent refuses instead; shrinking below usage is the workload's decision, not a resize.
                if (l.MemoryCurrent is not null && CgroupFileIo.ParseUInt(CgroupFileIo.Read(l.MemoryCurrent), l.MemoryCurrent) is var current && c.MemoryBytes < current)
                {
                    return $"memory_bytes {c.MemoryBytes} is below the cgroup's current usage ({current} bytes in memory.current); cgroup v2 would reclaim and then OOM-kill, so the agent refuses";
                }

                plan.Add((l.MemoryMax, Results.Num(c.MemoryBytes)));
                if (l.MemoryHigh is not null)
                {
                    plan.Add((l.MemoryHigh, Results.Num((ulong)(c.MemoryBytes * HighShare) / 4096 * 4096)));
                }
            }
            else if (l.MemoryLimit is not null)
            {
                plan.Add((l.MemoryLimit, Results.Num(c.MemoryBytes)));
            }
            else
            {
                return "the cgroup has no memory controller under the allowed roots (no memory.max or memory.limit_in_bytes)";
            }

            logical[Results.MemoryBytes] = Results.Num(c.MemoryBytes);
        }

        if (c.HasIoMax)
        {
            if (l.IoMax is null)
            {
                return "io_max needs the cgroup v2 io controller (no io.max under the allowed roots)";
            }

            if (!IoMaxLine.TryParse(c.IoMax, out var line, out var why))
            {
                return $"io_max '{c.IoMax}': {why}";
            }

            plan.Add((l.IoMax, line.ToString()));
        }

        return null;
    }

    private static ulong Quota(double cores, ulong period) => Math.Max(MinQuotaUs, (ulong)Math.Round(cores * period));

    private static string MemoryHint(ResizeCommand c, string path, Dictionary<string, string> before)
    {
        if (!c.HasMemoryBytes || !Path.GetFileName(path).StartsWith("memory.", StringComparison.Ordinal))
        {
            return "";
        }

        var usage = before.GetValueOrDefault("memory.usage_in_bytes") ?? before.GetValueOrDefault("memory.current");
        return usage is not null && ulong.TryParse(usage, out var u) && c.MemoryBytes < u
            ? $" (the kernel refused a limit below current usage: {u} bytes in use could not be reclaimed to {c.MemoryBytes})"
            : "";
    }

    /// <summary>Puts back what was written, newest first; returns the failures, empty when all were restored.</summary>
    private static string Restore(List<(string Path, string[] Restore)> written)
    {
        var errors = new List<string>();
        for (var i = written.Count - 1; i >= 0; i--)
        {
            var (path, restore) = written[i];
            try
            {
                foreach (var value in restore)
                {
                    CgroupFileIo.Write(path, value);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{Path.GetFileName(path)}: {ex.Message}");
            }
        }

        return string.Join("; ", errors);
    }

    /// <summary>What to write to put a file's earlier content back after <paramref name="written"/>.</summary>
    internal static string[] RestoreValues(string path, string old, string written)
    {
        switch (Path.GetFileName(path))
        {
            case "memory.limit_in_bytes":
                // The unlimited value reads back as 2^63 rounded down to a page; "-1" is how it is written.
                return [CgroupFileIo.ParseLimit(old) is null ? "-1" : old];
            case "io.max":
                // io.max lists only devices with a limit: the device written goes back to its old line, or to no limit.
                var device = written.Split(' ')[0];
                var line = old.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => l.StartsWith(device + " ", StringComparison.Ordinal));
                return [line ?? $"{device} rbps=max wbps=max riops=max wiops=max"];
            default:
                return [old];
        }
    }

    private static Dictionary<string, string> TryReadState(CgroupLayout layout)
    {
        try
        {
            return ReadState(layout);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Dictionary<string, string> { ["error"] = ex.Message };
        }
    }

    /// <summary>The logical values and the raw files they come from.</summary>
    internal static Dictionary<string, string> ReadState(CgroupLayout l)
    {
        var s = new Dictionary<string, string>();
        if (l.CpuMax is not null)
        {
            var raw = CgroupFileIo.Read(l.CpuMax);
            s["cpu.max"] = raw;
            var (quota, period) = CgroupFileIo.ParseCpuMax(raw, l.CpuMax);
            s[Results.CpuCores] = quota is { } q ? Results.Num((double)q / period) : Results.Unlimited;
        }
        else if (l.CfsQuota is not null && l.CfsPeriod is not null)
        {
            var quota = CgroupFileIo.Read(l.CfsQuota);
            var period = CgroupFileIo.Read(l.CfsPeriod);
            s["cpu.cfs_quota_us"] = quota;
            s["cpu.cfs_period_us"] = period;
            s[Results.CpuCores] = long.TryParse(quota, out var q) && q > 0
                ? Results.Num((double)q / CgroupFileIo.ParseUInt(period, l.CfsPeriod))
                : Results.Unlimited;
        }

        if (l.CpuWeight is not null)
        {
            var raw = CgroupFileIo.Read(l.CpuWeight);
            s["cpu.weight"] = raw;
            s[Results.CpuWeight] = raw;
        }
        else if (l.CpuShares is not null)
        {
            var raw = CgroupFileIo.Read(l.CpuShares);
            s["cpu.shares"] = raw;
            s[Results.CpuWeight] = Results.Num((ulong)CgroupFileIo.SharesToWeight(CgroupFileIo.ParseUInt(raw, l.CpuShares)));
        }

        if (l.MemoryMax is not null)
        {
            var raw = CgroupFileIo.Read(l.MemoryMax);
            s["memory.max"] = raw;
            s[Results.MemoryBytes] = CgroupFileIo.ParseLimit(raw) is { } m ? Results.Num(m) : Results.Unlimited;
            Raw(s, l.MemoryHigh);
            Raw(s, l.MemoryCurrent);
        }
        else if (l.MemoryLimit is not null)
        {
            var raw = CgroupFileIo.Read(l.MemoryLimit);
            s["memory.limit_in_bytes"] = raw;
            s[Results.MemoryBytes] = CgroupFileIo.ParseLimit(raw) is { } m ? Results.Num(m) : Results.Unlimited;
            Raw(s, l.MemoryUsage);
        }

        if (l.IoMax is not null)
        {
            s["io.max"] = CgroupFileIo.Read(l.IoMax).ReplaceLineEndings("; ");
        }

        return s;
    }

    private static void Raw(Dictionary<string, string> s, string? path)
    {
        if (path is not null)
        {
            s[Path.GetFileName(path)] = CgroupFileIo.Read(path);
        }
    }

    private static string Describe(List<(string Path, string Value)> plan) =>
        string.Join(", ", plan.Select(p => $"{Path.GetFileName(p.Path)} = '{p.Value}'"));
}
