using ShadowAgent.Core.Streams;

namespace ShadowAgent.Taps.Probes;

/// <summary>
/// One cgroup's CPU use against its quota, throttling, memory against its limit, and pressure, from cgroup v2
/// (cpu.stat, cpu.max, memory.current, memory.max, *.pressure) or v1 (cpuacct.usage, cpu.stat,
/// cpu.cfs_quota_us/cfs_period_us, memory.usage_in_bytes, memory.limit_in_bytes). Limits that are unlimited
/// leave their fields (and the utilizations against them) absent rather than reporting a fake number.
/// </summary>
internal sealed class CgroupProbe : IProbe
{
    private const int CoresUsed = 0, LimitCores = 1, CpuUtil = 2, ThrottledRatio = 3, ThrottledSeconds = 4, MemCurrent = 5, MemLimit = 6, MemUtil = 7, PsiCpu = 8, PsiMemory = 9, PsiIo = 10;

    private readonly ProbeFile _file = new(4096);
    private readonly IReadOnlyList<string> _roots;
    private readonly string _relativePath;
    private CgroupFiles _files;
    private bool _primed;
    private ulong _usageNs, _periods, _throttled, _throttledNs;
    private bool _usageOk, _throttleOk;

    public CgroupProbe(IReadOnlyList<string> roots, string relativePath)
    {
        _roots = roots;
        _relativePath = relativePath;
        _files = CgroupFiles.Resolve(CgroupPaths.Resolve(roots, relativePath));
    }

    public IReadOnlyList<string> Fields => ProbeFields.Cgroup;

    /// <summary>Where the probe reads; empty until the cgroup exists.</summary>
    public CgroupFiles Files => _files;

    public bool Sample(double elapsedSeconds, Span<double> values, out ulong present)
    {
        present = 0;
        if (_files.IsEmpty)
        {
            // The cgroup may be created after the agent starts (a service restarting): look again each interval.
            _files = CgroupFiles.Resolve(CgroupPaths.Resolve(_roots, _relativePath));
            if (_files.IsEmpty)
            {
                return false;
            }
        }

        var usageOk = TryReadUsage(out var usageNs);
        var throttleOk = TryReadThrottle(out var periods, out var throttled, out var throttledNs);
        if (!usageOk && !throttleOk && !_file.TryRead(_files.MemCurrentPath ?? "", out _))
        {
            // Every file is gone: the cgroup was removed. Start over with a new baseline once it is back.
            _files = new CgroupFiles();
            _primed = false;
            return false;
        }

        var wasPrimed = _primed;
        var dt = elapsedSeconds > 0 ? elapsedSeconds : double.Epsilon;
        double? limitCores = TryReadCpuLimit(out var limit) ? limit : null;
        if (wasPrimed && usageOk && _usageOk && usageNs >= _usageNs)
        {
            var cores = (usageNs - _usageNs) / 1e9 / dt;
            HostProbe.Set(values, ref present, CoresUsed, cores);
            if (limitCores is { } l)
            {
                HostProbe.Set(values, ref present, CpuUtil, cores / l);
            }
        }

        if (limitCores is { } lc)
        {
            HostProbe.Set(values, ref present, LimitCores, lc);
        }

        if (wasPrimed && throttleOk && _throttleOk && periods >= _periods && throttled >= _throttled && throttledNs >= _throttledNs)
        {
            var dp = periods - _periods;
            HostProbe.Set(values, ref present, ThrottledRatio, dp == 0 ? 0 : (double)(throttled - _throttled) / dp);
            HostProbe.Set(values, ref present, ThrottledSeconds, (throttledNs - _throttledNs) / 1e9 / dt);
        }

        ReadMemory(values, ref present);
        ReadPressure(_files.PsiCpuPath, PsiCpu, values, ref present);
        ReadPressure(_files.PsiMemoryPath, PsiMemory, values, ref present);
        ReadPressure(_files.PsiIoPath, PsiIo, values, ref present);
        (_usageNs, _usageOk) = (usageNs, usageOk);
        (_periods, _throttled, _throttledNs, _throttleOk) = (periods, throttled, throttledNs, throttleOk);
        _primed = true;
        return wasPrimed && present != 0;
    }

    private bool TryReadUsage(out ulong nanoseconds)
    {
        nanoseconds = 0;
        if (_files.UsagePath is null || !_file.TryRead(_files.UsagePath, out var text))
        {
            return false;
        }

        if (!_files.UsageV2)
        {
            return CgroupValueParser.TryParseUInt64(text, out nanoseconds);
        }

        if (!ProcText.TryGetKeyed(text, "usage_usec"u8, out var us))
        {
            return false;
        }

        nanoseconds = us * 1000;
        return true;
    }

    private bool TryReadThrottle(out ulong periods, out ulong throttled, out ulong throttledNs)
    {
        periods = throttled = throttledNs = 0;
        if (_files.ThrottlePath is null || !_file.TryRead(_files.ThrottlePath, out var text)
            || !ProcText.TryGetKeyed(text, "nr_periods"u8, out periods) || !ProcText.TryGetKeyed(text, "nr_throttled"u8, out throttled))
        {
            return false;
        }

        if (_files.ThrottleV2)
        {
            if (!ProcText.TryGetKeyed(text, "throttled_usec"u8, out var us))
            {
                return false;
            }

            throttledNs = us * 1000;
            return true;
        }

        return ProcText.TryGetKeyed(text, "throttled_time"u8, out throttledNs);
    }

    private bool TryReadCpuLimit(out double cores)
    {
        cores = 0;
        if (_files.CpuMaxPath is not null)
        {
            if (!_file.TryRead(_files.CpuMaxPath, out var text) || !CgroupValueParser.TryParseCpuMax(text, out var quota, out var period) || quota is null)
            {
                return false;
            }

            cores = (double)quota.Value / period;
            return true;
        }

        if (_files.QuotaPath is null || !_file.TryRead(_files.QuotaPath, out var q) || !CgroupValueParser.TryParseInt64(q, out var quotaUs) || quotaUs <= 0
            || !_file.TryRead(_files.PeriodPath!, out var p) || !CgroupValueParser.TryParseUInt64(p, out var periodUs) || periodUs == 0)
        {
            return false;
        }

        cores = (double)quotaUs / periodUs;
        return true;
    }

    private void ReadMemory(Span<double> values, ref ulong present)
    {
        if (_files.MemCurrentPath is null || !_file.TryRead(_files.MemCurrentPath, out var text) || !CgroupValueParser.TryParseUInt64(text, out var current))
        {
            return;
        }

        HostProbe.Set(values, ref present, MemCurrent, current);
        if (!_file.TryRead(_files.MemLimitPath!, out text))
        {
            return;
        }

        ulong? limit;
        var ok = _files.MemV2 ? CgroupValueParser.TryParseLimit(text, out limit) : CgroupValueParser.TryParseV1MemoryLimit(text, out limit);
        if (ok && limit is { } l && l > 0)
        {
            HostProbe.Set(values, ref present, MemLimit, l);
            HostProbe.Set(values, ref present, MemUtil, (double)current / l);
        }
    }

    private void ReadPressure(string? path, int index, Span<double> values, ref ulong present)
    {
        if (path is not null && _file.TryRead(path, out var text) && PressureParser.TryParseSomeAvg10(text, out var percent))
        {
            HostProbe.Set(values, ref present, index, percent);
        }
    }
}
