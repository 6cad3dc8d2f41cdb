namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// How outcomes move a target's parameters, as pure functions. Each step is LearningRate × the parameter's bound
/// range, and every result is clamped to the bounds in <see cref="OrchestratorOptions"/>.
/// <list type="bullet">
/// <item>After a scale-up that was still starved (SLO breach, throttling, pressure, or a saturated target: mean
/// utilization at <see cref="SaturatedUtilization"/>): more headroom, a larger high factor, and an earlier reactive
/// threshold. Busy is not starved: a target sized to its demand with headroom h runs at 1 / (1 + h) of its limit,
/// over a UtilizationHigh of 0.8 for any h under 0.25, and counting that as starvation ratcheted headroom up and
/// UtilizationHigh down to their bounds in every long run, provisioning three to four times the demand.</item>
/// <item>After a scale-up that left the target idle (under UtilizationLow) or was undone: less headroom and a
/// smaller high factor.</item>
/// <item>After a scale-down that starved the target or was undone: a lower UtilizationLow (shrink less eagerly) and
/// more headroom. After a scale-down that stayed comfortably idle: a slightly higher UtilizationLow.</item>
/// <item>After any change that neither starved nor idled the target (and was not undone): every learned parameter moves
/// half a step back toward its configured value, so what one bad hour taught fades once the target runs well.</item>
/// </list>
/// Dry runs, holds and changes the agent did not apply teach nothing: nothing changed.
/// </summary>
internal static class Learning
{
    /// <summary>Weight of the newest sample in the capacity model's moving average.</summary>
    public const double CapacityAlpha = 0.1;

    /// <summary>Mean utilization over the settle time at which a target counts as starved with no other signal.</summary>
    public const double SaturatedUtilization = 0.95;

    public static LearnedParameters Adapt(LearnedParameters learned, ScaleAction action, Outcome outcome, TargetOptions target, OrchestratorOptions bounds)
    {
        if (action == ScaleAction.Hold || (outcome.Windows == 0 && !outcome.Undone && outcome.SloBreaches == 0))
        {
            return learned;
        }

        var rate = bounds.LearningRate;
        var headroomStep = rate * (bounds.MaxHeadroom - bounds.MinHeadroom);
        var factorStep = rate * (bounds.MaxHighFactor - bounds.MinHighFactor);
        var highStep = rate * (bounds.MaxUtilizationHigh - bounds.MinUtilizationHigh);
        var lowStep = rate * (bounds.MaxUtilizationLow - bounds.MinUtilizationLow);
        var starved = outcome.SloBreaches > 0
            || (outcome.MaxThrottledRatio is { } throttled && target.ThrottlingThreshold > 0 && throttled >= target.ThrottlingThreshold)
            || (outcome.MaxPressure is { } pressure && target.PressureThreshold > 0 && pressure >= target.PressureThreshold)
            || (outcome.MeanUtilization is { } busy && busy >= SaturatedUtilization);
        var idle = !starved && outcome.MeanUtilization is { } util && util < learned.UtilizationLow;
        var comfortable = !starved && !idle && !outcome.Undone;

        var next = learned;
        if (action == ScaleAction.Up)
        {
            if (starved)
            {
                next = next with
                {
                    Headroom = learned.Headroom + headroomStep,
                    HighFactor = learned.HighFactor + factorStep,
                    UtilizationHigh = learned.UtilizationHigh - highStep,
                };
            }
            else if (idle || outcome.Undone)
            {
                next = next with { Headroom = learned.Headroom - headroomStep, HighFactor = learned.HighFactor - factorStep };
            }
        }
        else if (starved || outcome.Undone)
        {
            next = next with { UtilizationLow = learned.UtilizationLow - lowStep, Headroom = learned.Headroom + headroomStep };
        }
        else if (idle)
        {
            next = next with { UtilizationLow = learned.UtilizationLow + (lowStep / 2) };
        }

        if (comfortable)
        {
            next = next with
            {
                Headroom = Toward(learned.Headroom, target.Headroom, headroomStep / 2),
                HighFactor = Toward(learned.HighFactor, target.HighFactor, factorStep / 2),
                UtilizationHigh = Toward(learned.UtilizationHigh, target.UtilizationHigh, highStep / 2),
                UtilizationLow = Toward(learned.UtilizationLow, target.UtilizationLow, lowStep / 2),
            };
        }

        if (next == learned)
        {
            return learned;
        }

        next = Clamp(next, bounds);
        // UtilizationLow stays below UtilizationHigh whatever the steps did.
        if (next.UtilizationLow >= next.UtilizationHigh)
        {
            next = next with { UtilizationLow = Math.Max(bounds.MinUtilizationLow, next.UtilizationHigh - 0.05) };
        }

        // And the band stays wide enough for one scale-down: a full DownscaleStep from just under UtilizationLow must land
        // no higher than the middle of the band, else the next noisy window crosses UtilizationHigh and undoes it (the
        // steps above, unchecked, squeezed the band to 0.45–0.5 and the target flapped). A move that would narrow the
        // band further is cut back to its edge; a configured band already narrower is not widened by force.
        var maxLow = MaxUtilizationLow(next.UtilizationHigh, target.DownscaleStep);
        if (next.UtilizationLow > maxLow)
        {
            var allowed = next.UtilizationHigh < learned.UtilizationHigh ? maxLow : Math.Max(maxLow, learned.UtilizationLow);
            next = next with { UtilizationLow = Math.Max(bounds.MinUtilizationLow, Math.Min(next.UtilizationLow, allowed)) };
        }

        return next == learned ? learned : next with { Adaptations = learned.Adaptations + 1 };
    }

    /// <summary>
    /// The highest UtilizationLow for which a scale-down by <paramref name="downscaleStep"/> from it lands at most at the
    /// middle of the band: low / (1 − step) ≤ (low + high) / 2, i.e. low ≤ high × (1 − step) / (1 + step).
    /// </summary>
    public static double MaxUtilizationLow(double utilizationHigh, double downscaleStep) =>
        utilizationHigh * (1 - downscaleStep) / (1 + downscaleStep);

    /// <summary>
    /// The capacity model after one window: the records per second one core serves, a moving ratio of the workload's
    /// rate to the probe's cores used in which each window weighs by its cores — the ratio of two moving sums, Σ rate /
    /// Σ cores, not a moving mean of per-window ratios. A quiet window's few hundredths of a core are mostly noise
    /// and its ratio swings (and averaging ratios overstates their centre); the busy windows are also the ones whose
    /// cost per record a scale-up will meet. <paramref name="sampledCores"/> is the moving mean of the cores of the
    /// windows taken so far (0 before the first; the caller keeps it). Windows with almost no CPU or no records say
    /// nothing and are skipped, and so is a starved window (throttled, under CPU pressure or saturated): its use is
    /// capped by the limit while a workload stream that taps arrivals keeps counting the whole demand, so there rate /
    /// cores overstates what a core serves — and an overstated capacity undersizes the scale-ups that follow a ramp.
    /// </summary>
    public static LearnedParameters ObserveCapacity(LearnedParameters learned, double workloadRate, double coresUsed, ref double sampledCores, bool starved = false)
    {
        if (starved || !(coresUsed >= 0.01) || !(workloadRate > 0) || !double.IsFinite(workloadRate / coresUsed))
        {
            return learned;
        }

        // R' = ((1 − α) B R + α rate) / ((1 − α) B + α cores), B' = (1 − α) B + α cores: the ratio of the moving sums of
        // rate (B R) and cores (B). The first window starts B at its own cores, so it weighs as a full window.
        var prior = sampledCores > 0 ? sampledCores : coresUsed;
        var cores = ((1 - CapacityAlpha) * prior) + (CapacityAlpha * coresUsed);
        var rate = ((1 - CapacityAlpha) * prior * learned.RecordsPerCoreSecond) + (CapacityAlpha * workloadRate);
        sampledCores = cores;
        return learned with { RecordsPerCoreSecond = rate / cores };
    }

    private static double Toward(double value, double configured, double step) =>
        value < configured ? Math.Min(configured, value + step) : Math.Max(configured, value - step);

    public static LearnedParameters Clamp(LearnedParameters p, OrchestratorOptions b) => p with
    {
        Headroom = Math.Clamp(p.Headroom, b.MinHeadroom, b.MaxHeadroom),
        HighFactor = Math.Clamp(p.HighFactor, b.MinHighFactor, b.MaxHighFactor),
        UtilizationHigh = Math.Clamp(p.UtilizationHigh, b.MinUtilizationHigh, b.MaxUtilizationHigh),
        UtilizationLow = Math.Clamp(p.UtilizationLow, b.MinUtilizationLow, b.MaxUtilizationLow),
    };
}
