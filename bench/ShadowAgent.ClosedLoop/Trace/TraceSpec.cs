namespace ShadowAgent.ClosedLoop.Trace;

/// <summary>
/// How a NAB series becomes the benchmark's load: which real days, how fast a day passes, how the values map to
/// cores of demand, and the steep ramp injected on top.
/// </summary>
internal sealed record TraceSpec
{
    /// <summary>Start of the first (warm-up) day, UTC; each day is 24 real hours from here.</summary>
    public DateTime Start { get; init; } = new(2015, 3, 16, 6, 0, 0, DateTimeKind.Utc);

    /// <summary>Days replayed before the measured day so forecasters and detectors have seen the season.</summary>
    public int WarmupDays { get; init; } = 3;

    /// <summary>Wall seconds one real day is compressed into.</summary>
    public double DaySeconds { get; init; } = 120;

    /// <summary>Demand, in cores of the worker, that the 99th percentile of the replayed days' values maps to.</summary>
    public double PeakCores { get; init; } = 0.35;

    /// <summary>
    /// Demand never exceeds this many cores: the host must keep room for the load generator, the agent and the
    /// aggregator, or the ramp measures the host's saturation instead of the policies (on 2 cores, 1.6 did).
    /// </summary>
    public double MaxCores { get; init; } = 1.2;

    /// <summary>Where the ramp starts, as a fraction of the day.</summary>
    public double RampAt { get; init; } = 0.45;

    /// <summary>Multiplier the ramp reaches.</summary>
    public double RampFactor { get; init; } = 3;

    /// <summary>Wall seconds from 1× to <see cref="RampFactor"/>.</summary>
    public double RampRise { get; init; } = 10;

    /// <summary>Wall seconds held at <see cref="RampFactor"/>.</summary>
    public double RampHold { get; init; } = 20;

    /// <summary>Wall seconds back to 1×.</summary>
    public double RampFall { get; init; } = 10;

    /// <summary>The ramp recurs every day at the same time (a daily surge a seasonal forecast can learn), not only on the measured day.</summary>
    public bool RampEveryDay { get; init; }

    /// <summary>Resolution of the demand curve, wall seconds.</summary>
    public double StepSeconds { get; init; } = 0.1;

    public int Days => WarmupDays + 1;

    /// <summary>The settings' first problem, naming the option, or null.</summary>
    public string? Problem()
    {
        if (WarmupDays is < 0 or > 30)
        {
            return $"--warmup-days: {WarmupDays} must be between 0 and 30";
        }

        if (!(DaySeconds >= 10 && DaySeconds <= 86_400))
        {
            return $"--day: {DaySeconds} must be between 10 and 86400 seconds";
        }

        if (!(PeakCores > 0 && PeakCores <= MaxCores))
        {
            return $"--peak-cores: {PeakCores} must be positive and at most --max-demand {MaxCores}";
        }

        if (!(RampAt is >= 0 and < 1))
        {
            return $"--ramp-at: {RampAt} must be a fraction of the day in [0, 1)";
        }

        if (!(RampFactor >= 1 && RampFactor <= 100))
        {
            return $"--ramp-factor: {RampFactor} must be between 1 and 100";
        }

        if (!(RampRise >= 0 && RampHold >= 0 && RampFall >= 0) || RampAt * DaySeconds + RampRise + RampHold + RampFall > DaySeconds)
        {
            return $"--ramp-rise/--ramp-hold/--ramp-fall: the ramp ({RampRise}+{RampHold}+{RampFall} s from {RampAt * DaySeconds:F1} s) must fit in the day ({DaySeconds} s)";
        }

        if (!(StepSeconds > 0 && StepSeconds <= 1))
        {
            return $"step: {StepSeconds} must be in (0, 1]";
        }

        return null;
    }
}
