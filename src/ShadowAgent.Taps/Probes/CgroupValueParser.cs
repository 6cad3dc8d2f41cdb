namespace ShadowAgent.Taps.Probes;

/// <summary>
/// The single-value cgroup files: a number or "max" (v2 memory.max, memory.high), v2 cpu.max
/// ("max 100000" or "20000 100000"), and v1 limits where -1 (cfs_quota_us) or a page-rounded 2^63
/// (limit_in_bytes) mean unlimited.
/// </summary>
internal static class CgroupValueParser
{
    /// <summary>v1 memory.limit_in_bytes at or above this (PAGE_COUNTER_MAX pages, rounded) means no limit.</summary>
    public const ulong V1UnlimitedBytes = 1UL << 60;

    /// <summary>A number, or "max" as null.</summary>
    public static bool TryParseLimit(ReadOnlySpan<byte> text, out ulong? value)
    {
        var t = ProcText.Trim(text);
        if (t.SequenceEqual("max"u8))
        {
            value = null;
            return true;
        }

        if (ProcText.TryParseUInt64(t, out var v))
        {
            value = v;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>An unsigned number on its own (memory.current, cpuacct.usage).</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value) => ProcText.TryParseUInt64(ProcText.Trim(text), out value);

    /// <summary>A signed number on its own (cpu.cfs_quota_us).</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> text, out long value) => ProcText.TryParseInt64(ProcText.Trim(text), out value);

    /// <summary>v2 cpu.max: quota (null for "max") and period, both in microseconds.</summary>
    public static bool TryParseCpuMax(ReadOnlySpan<byte> text, out ulong? quotaUs, out ulong periodUs)
    {
        quotaUs = null;
        periodUs = 0;
        var line = ProcText.Trim(text);
        if (!ProcText.NextToken(ref line, out var quota) || !ProcText.NextUInt64(ref line, out periodUs) || periodUs == 0 || ProcText.NextToken(ref line, out _))
        {
            return false;
        }

        if (quota.SequenceEqual("max"u8))
        {
            return true;
        }

        if (!ProcText.TryParseUInt64(quota, out var q))
        {
            return false;
        }

        quotaUs = q;
        return true;
    }

    /// <summary>v1 memory.limit_in_bytes: null when unlimited.</summary>
    public static bool TryParseV1MemoryLimit(ReadOnlySpan<byte> text, out ulong? bytes)
    {
        bytes = null;
        if (!TryParseUInt64(text, out var v))
        {
            return false;
        }

        bytes = v >= V1UnlimitedBytes ? null : v;
        return true;
    }
}
