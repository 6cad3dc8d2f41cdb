namespace ShadowAgent.ClosedLoop.Trace;

/// <summary>
/// The shaped load: the worker's demand in cores at every step of every replayed day (warm-up days first, the
/// measured day last), and where the ramp is.
/// </summary>
internal sealed record LoadTrace(TraceSpec Spec, double[] Cores, double ValueToCores, int PointsUsed)
{
    public int StepsPerDay => (int)Math.Round(Spec.DaySeconds / Spec.StepSeconds);

    /// <summary>Seconds from the trace's start to the measured (last) day.</summary>
    public double MeasuredStart => Spec.WarmupDays * Spec.DaySeconds;

    /// <summary>Seconds from the trace's start to the measured day's ramp.</summary>
    public double RampStart => MeasuredStart + (Spec.RampAt * Spec.DaySeconds);

    public double RampEnd => RampStart + Spec.RampRise + Spec.RampHold + Spec.RampFall;

    /// <summary>The largest demand of the measured day: what a static limit sized for the peak must cover.</summary>
    public double MeasuredPeakCores() => Cores.AsSpan(Spec.WarmupDays * StepsPerDay, StepsPerDay).ToArray().Max();

    /// <summary>Mean demand of the measured day (core-seconds per second).</summary>
    public double MeasuredMeanCores() => Cores.AsSpan(Spec.WarmupDays * StepsPerDay, StepsPerDay).ToArray().Average();
}
