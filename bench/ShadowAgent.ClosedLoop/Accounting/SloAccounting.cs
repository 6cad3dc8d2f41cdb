using ShadowAgent.ClosedLoop.Cgroups;

namespace ShadowAgent.ClosedLoop.Accounting;

/// <summary>
/// The benchmark's measures as pure functions of the run's records (latencies per second, cgroup samples), so each
/// is unit-tested on its own:
/// <list type="bullet">
/// <item>An <b>SLO-violation second</b> is a second of the measured range in which the p99 latency of the requests
/// scheduled in it exceeds the target, or a request scheduled in it got no answer, or the cgroup was throttled
/// for more than the threshold (throttled time as the kernel counts it, summed over CPUs) during it.</item>
/// <item><b>Core-seconds provisioned</b> integrate the CPU limit over time as a step function of the samples (each
/// sample's limit holds until the next); an unlimited cgroup counts as all the host's cores.</item>
/// <item>A <b>resize action</b> is a change of the limit between consecutive samples.</item>
/// </list>
/// </summary>
internal static class SloAccounting
{
    /// <summary>Nearest-rank 99th percentile (the value at rank ⌈0.99·n⌉), or null for no values.</summary>
    public static double? P99(float[] values)
    {
        if (values.Length == 0)
        {
            return null;
        }

        var sorted = (float[])values.Clone();
        Array.Sort(sorted);
        return sorted[Math.Clamp((int)Math.Ceiling(0.99 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Throttled seconds in each whole second [from + i, from + i + 1), each sample interval's increase spread evenly over it.</summary>
    public static double[] ThrottledPerSecond(IReadOnlyList<CgroupSample> samples, int from, int to)
    {
        var result = new double[Math.Max(0, to - from)];
        for (var i = 1; i < samples.Count; i++)
        {
            var (a, b) = (samples[i - 1], samples[i]);
            if (b.T <= a.T || b.ThrottledNs < a.ThrottledNs)
            {
                continue;
            }

            var rate = (b.ThrottledNs - a.ThrottledNs) / 1e9 / (b.T - a.T);
            for (var s = Math.Max(from, (int)Math.Floor(a.T)); s < to && s < b.T; s++)
            {
                var overlap = Math.Min(b.T, s + 1) - Math.Max(a.T, s);
                if (overlap > 0)
                {
                    result[s - from] += rate * overlap;
                }
            }
        }

        return result;
    }

    /// <summary>The verdict of every second in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static SecondVerdict[] Judge(Func<int, float[]> latencies, Func<int, int> failed, IReadOnlyList<CgroupSample> samples,
        int from, int to, double sloMs, double throttleSecondsPerSecond)
    {
        var throttled = ThrottledPerSecond(samples, from, to);
        var verdicts = new SecondVerdict[Math.Max(0, to - from)];
        for (var s = from; s < to; s++)
        {
            var values = latencies(s);
            var p99 = P99(values);
            var lost = failed(s);
            var t = throttled[s - from];
            verdicts[s - from] = new SecondVerdict(s, values.Length + lost, p99, lost, t,
                p99 > sloMs, lost > 0, t > throttleSecondsPerSecond);
        }

        return verdicts;
    }

    /// <summary>∫ limit dt over [<paramref name="from"/>, <paramref name="to"/>), unlimited counted as <paramref name="hostCores"/>.</summary>
    public static double CoreSeconds(IReadOnlyList<CgroupSample> samples, double from, double to, double hostCores)
    {
        var total = 0.0;
        for (var i = 0; i < samples.Count; i++)
        {
            var start = Math.Max(from, samples[i].T);
            var end = Math.Min(to, i + 1 < samples.Count ? samples[i + 1].T : to);
            if (end > start)
            {
                total += (samples[i].LimitCores ?? hostCores) * (end - start);
            }
        }

        return total;
    }

    /// <summary>CPU actually used over [from, to), core-seconds, from the usage counter (interpolated at the edges).</summary>
    public static double UsedCoreSeconds(IReadOnlyList<CgroupSample> samples, double from, double to)
    {
        var total = 0.0;
        for (var i = 1; i < samples.Count; i++)
        {
            var (a, b) = (samples[i - 1], samples[i]);
            var overlap = Math.Min(b.T, to) - Math.Max(a.T, from);
            if (b.T > a.T && overlap > 0 && b.UsageNs >= a.UsageNs)
            {
                total += (b.UsageNs - a.UsageNs) / 1e9 * overlap / (b.T - a.T);
            }
        }

        return total;
    }

    /// <summary>Changes of the limit between consecutive samples, the later one in [from, to).</summary>
    public static int LimitChanges(IReadOnlyList<CgroupSample> samples, double from, double to, double hostCores) =>
        Changes(samples, from, to, hostCores).Count();

    /// <summary>Time of the first increase of the limit in [from, to), or null.</summary>
    public static double? FirstIncrease(IReadOnlyList<CgroupSample> samples, double from, double to, double hostCores) =>
        Changes(samples, from, to, hostCores).Where(c => c.To > c.From).Select(c => (double?)c.T).FirstOrDefault();

    /// <summary>Every change of the limit: when, from and to (cores, unlimited as the host's).</summary>
    public static IEnumerable<(double T, double From, double To)> Changes(IReadOnlyList<CgroupSample> samples, double from, double to, double hostCores)
    {
        for (var i = 1; i < samples.Count; i++)
        {
            var before = samples[i - 1].LimitCores ?? hostCores;
            var after = samples[i].LimitCores ?? hostCores;
            if (samples[i].T >= from && samples[i].T < to && Math.Abs(after - before) > 1e-6)
            {
                yield return (samples[i].T, before, after);
            }
        }
    }
}
