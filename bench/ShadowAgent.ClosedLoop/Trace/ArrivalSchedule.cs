namespace ShadowAgent.ClosedLoop.Trace;

/// <summary>
/// Request arrival times: a non-homogeneous Poisson process whose rate follows the demand (cores × requests one
/// core serves per second), generated per day from its own seed, so the measured day's arrivals are the same
/// whether or not warm-up days were replayed before it (every policy sees exactly the same requests).
/// </summary>
internal static class ArrivalSchedule
{
    /// <summary>Arrival times in seconds from the start of day <paramref name="firstDay"/>, ascending.</summary>
    public static double[] For(LoadTrace trace, int firstDay, double requestsPerCoreSecond, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerCoreSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(firstDay);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(firstDay, trace.Spec.Days);
        var times = new List<double>();
        var step = trace.Spec.StepSeconds;
        var perDay = trace.StepsPerDay;
        for (var day = firstDay; day < trace.Spec.Days; day++)
        {
            var random = new Random(unchecked((seed * 7919) + day));
            var offset = (day - firstDay) * trace.Spec.DaySeconds;
            var next = Exponential(random);
            var cumulative = 0.0;
            for (var i = 0; i < perDay; i++)
            {
                var rate = trace.Cores[(day * perDay) + i] * requestsPerCoreSecond;
                var mass = rate * step;
                while (next <= cumulative + mass)
                {
                    times.Add(offset + (i * step) + ((next - cumulative) / rate));
                    next += Exponential(random);
                }

                cumulative += mass;
            }
        }

        return [.. times];
    }

    private static double Exponential(Random random) => -Math.Log(1 - random.NextDouble());
}
