namespace ShadowAgent.ClosedLoop.Trace;

/// <summary>
/// Turns a NAB series into demand: the days from <see cref="TraceSpec.Start"/> are time-compressed (one real day
/// into <see cref="TraceSpec.DaySeconds"/>), linearly interpolated between the 5-minute points, scaled so the
/// 99th percentile of the replayed values is <see cref="TraceSpec.PeakCores"/> (a percentile, so one tweet storm
/// does not set the scale), multiplied by the ramp, and clipped to <see cref="TraceSpec.MaxCores"/>.
/// Pure: the same points and spec give the same demand.
/// </summary>
internal static class TraceShaper
{
    public static LoadTrace Shape(IReadOnlyList<(DateTime Time, double Value)> points, TraceSpec spec)
    {
        if (spec.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(spec));
        }

        var end = spec.Start.AddDays(spec.Days);
        var first = LowerBound(points, spec.Start);
        var last = LowerBound(points, end);
        // One point on each side of the range keeps the interpolation defined at its edges.
        var from = Math.Max(0, first - 1);
        var to = Math.Min(points.Count, last + 1);
        var used = last - first;
        if (used < 2 || points[from].Time > spec.Start || points[to - 1].Time < end.AddHours(-1))
        {
            var have = points.Count == 0 ? "no points" : $"points from {points[0].Time:O} to {points[^1].Time:O}";
            throw new ArgumentException($"--start: the series does not cover {spec.Days} days from {spec.Start:O} ({have})", nameof(points));
        }

        for (var d = 0; d < spec.Days; d++)
        {
            var dayPoints = LowerBound(points, spec.Start.AddDays(d + 1)) - LowerBound(points, spec.Start.AddDays(d));
            if (dayPoints < 12)
            {
                throw new ArgumentException($"--start: day {d + 1} from {spec.Start.AddDays(d):O} has only {dayPoints} points", nameof(points));
            }
        }

        var values = new double[used];
        for (var i = 0; i < used; i++)
        {
            values[i] = Math.Max(0, points[first + i].Value);
        }

        Array.Sort(values);
        var p99 = values[Math.Clamp((int)Math.Ceiling(0.99 * used) - 1, 0, used - 1)];
        if (!(p99 > 0))
        {
            throw new ArgumentException("--start: the replayed days' 99th percentile is 0; pick days with traffic", nameof(points));
        }

        var scale = spec.PeakCores / p99;
        var stepsPerDay = (int)Math.Round(spec.DaySeconds / spec.StepSeconds);
        var cores = new double[stepsPerDay * spec.Days];
        var realPerWall = 86_400.0 / spec.DaySeconds;
        var j = from;
        for (var i = 0; i < cores.Length; i++)
        {
            var wall = (i + 0.5) * spec.StepSeconds;
            var real = spec.Start.AddSeconds(wall * realPerWall);
            while (j + 1 < to - 1 && points[j + 1].Time <= real)
            {
                j++;
            }

            var value = Interpolate(points[j], points[Math.Min(j + 1, to - 1)], real);
            var day = i / stepsPerDay;
            var inDay = wall - (day * spec.DaySeconds);
            var ramp = spec.RampEveryDay || day == spec.Days - 1 ? RampMultiplier(spec, inDay) : 1;
            cores[i] = Math.Min(spec.MaxCores, Math.Max(0, value) * scale * ramp);
        }

        return new LoadTrace(spec, cores, scale, used);
    }

    /// <summary>The ramp's multiplier at <paramref name="secondsIntoDay"/>: 1, rising linearly, held, falling linearly, 1.</summary>
    public static double RampMultiplier(TraceSpec spec, double secondsIntoDay)
    {
        var t = secondsIntoDay - (spec.RampAt * spec.DaySeconds);
        var f = spec.RampFactor;
        if (t < 0)
        {
            return 1;
        }

        if (t < spec.RampRise)
        {
            return 1 + ((f - 1) * t / spec.RampRise);
        }

        t -= spec.RampRise;
        if (t < spec.RampHold)
        {
            return f;
        }

        t -= spec.RampHold;
        return t < spec.RampFall ? f - ((f - 1) * t / spec.RampFall) : 1;
    }

    private static double Interpolate((DateTime Time, double Value) a, (DateTime Time, double Value) b, DateTime at)
    {
        if (b.Time <= a.Time || at <= a.Time)
        {
            return a.Value;
        }

        if (at >= b.Time)
        {
            return b.Value;
        }

        var share = (at - a.Time).TotalSeconds / (b.Time - a.Time).TotalSeconds;
        return a.Value + ((b.Value - a.Value) * share);
    }

    private static int LowerBound(IReadOnlyList<(DateTime Time, double Value)> points, DateTime time)
    {
        int lo = 0, hi = points.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (points[mid].Time < time)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
