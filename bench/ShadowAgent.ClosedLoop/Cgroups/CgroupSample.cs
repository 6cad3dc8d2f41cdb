namespace ShadowAgent.ClosedLoop.Cgroups;

/// <summary>
/// One reading of the worker's cgroup at <paramref name="T"/> seconds into the run: its CPU limit (null when
/// unlimited) and its cumulative counters (throttled time and CPU used, nanoseconds; periods and throttled periods).
/// </summary>
internal readonly record struct CgroupSample(double T, double? LimitCores, ulong ThrottledNs, ulong UsageNs, ulong Periods, ulong ThrottledPeriods);
