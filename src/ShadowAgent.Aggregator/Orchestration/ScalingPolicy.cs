namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// The scaling rules as one pure function of a snapshot (no clock, no I/O), so every decision can be replayed
/// from its recorded inputs and the rules are unit-tested directly. Each family of rules can be switched off per target
/// (<see cref="TargetOptions.Triggers"/>): a reactive target uses Reactive only, a predictive one everything.
/// <list type="number">
/// <item>Up when any of: (Anomaly) an anomaly score at or over AnomalyThreshold (× HighFactor), or a volume spike at or
/// over VolumeAnomalyThreshold (to the rate × HighFactor with headroom); (Reactive) throttling, CPU pressure, the shadow
/// dropping records (× HighFactor: the demand above the limit is unseen), or cpu.util at or over UtilizationHigh while
/// served (to the used cores at the middle of the utilization band, as HPA sizes); at least the used cores with headroom;
/// (Forecast) the forecast peak over HighVolumeThreshold or over capacity × CapacityThreshold (to the forecast with
/// headroom); (Workload) the newest window's rate, or a significant rise projected a few windows ahead (the trend), over
/// capacity × CapacityThreshold (to the forecast's upper interval within [rate, rate × HighFactor], at least the trend,
/// with headroom). The largest wanted size wins; memory grows × HighFactor on memory
/// utilization or pressure (Reactive).</item>
/// <item>Down, conservatively, for Hysteresis consecutive windows: with forecasts, when the forecast peak is under
/// LowVolumeThreshold or capacity × DownscaleThreshold and utilization under UtilizationLow; reactive-only, when
/// utilization is under UtilizationLow. To the largest of: the used cores at the middle of the utilization band, the
/// forecast with headroom, what any window of the DownscaleStabilization span called for — by at most DownscaleStep.</item>
/// <item>Otherwise hold. Min/max bounds clamp; cooldowns (up after an up; down after any action) and
/// MaxActionsPerHour turn a change into a hold that says what blocked it. The up cooldown holds back the steps relative
/// to the current size (× HighFactor, used cores) only: a size computed from the demand (spike, forecast, nowcast) goes
/// ahead, to that size.</item>
/// </list>
/// Criticality: critical targets keep 1.5 × the headroom, wait twice the hysteresis and step down half as far;
/// low ones keep 0.75 × the headroom.
/// </summary>
internal static class ScalingPolicy
{
    /// <summary>Changes smaller than this share of the current size are not worth a command.</summary>
    public const double MinChangeShare = 0.05;

    private const long HourMs = 3_600_000;

    public static Decision Decide(in PolicyInputs inputs, PolicyParameters parameters)
    {
        var t = parameters.Target;
        var (headroomFactor, hysteresis, downStep) = t.Criticality switch
        {
            "critical" => (1.5, t.Hysteresis * 2, t.DownscaleStep / 2),
            "low" => (0.75, t.Hysteresis, t.DownscaleStep),
            _ => (1.0, t.Hysteresis, t.DownscaleStep),
        };
        var headroom = parameters.Headroom * headroomFactor;
        var on = t.Triggers;
        var rpc = parameters.RecordsPerCoreSecond;
        var current = inputs.CurrentCpuCores;
        var capacity = current * rpc;
        var triggers = new List<Trigger>(4);
        var wanted = current;

        // Sizes computed from the demand itself (spike, forecast, nowcast) rather than × the current size: they do not
        // compound on a measurement taken before the last change, so the up cooldown does not hold them back.
        var sizedByDemand = 0.0;

        // What this window's demand calls for: measured use at the middle of the utilization band (so a scale-down lands
        // well under UtilizationHigh and is not undone by the next busy window), and whatever look-ahead fired below.
        var targetUtilization = (parameters.UtilizationLow + parameters.UtilizationHigh) / 2;
        var usedNow = inputs.CpuUtilization is { } u ? u * current : inputs.CoresUsed;
        double? need = usedNow / targetUtilization;

        // 1. Anomaly, reactive and predictive reasons to grow.
        if (on.Anomaly)
        {
            var anomalous = inputs.AnomalyScore >= t.AnomalyThreshold && t.AnomalyThreshold > 0;
            var spike = inputs.VolumeSpike && t.VolumeAnomalyThreshold > 0 && inputs.AnomalyScore >= t.VolumeAnomalyThreshold;
            var stream = inputs.AnomalyStream is { } s ? $"[{s}]" : "";
            if (anomalous)
            {
                triggers.Add(new Trigger("anomaly", "anomaly.score" + stream, inputs.AnomalyScore, "AnomalyThreshold", t.AnomalyThreshold));
                wanted = Math.Max(wanted, current * parameters.HighFactor);
            }
            else if (spike)
            {
                triggers.Add(new Trigger("volume_spike", "anomaly.score" + stream, inputs.AnomalyScore, "VolumeAnomalyThreshold", t.VolumeAnomalyThreshold));
            }

            // The load itself is changing: size for the rate grown by HighFactor, not for the size the target happens to have.
            if (spike && inputs.WorkloadRate is { } spikeRate)
            {
                var sized = spikeRate * parameters.HighFactor * (1 + headroom) / rpc;
                wanted = Math.Max(wanted, sized);
                sizedByDemand = Math.Max(sizedByDemand, sized);
                need = Max(need, sized);
            }
            else if (spike)
            {
                wanted = Math.Max(wanted, current * parameters.HighFactor);
            }
        }

        var busy = false;
        var starved = false;
        if (on.Reactive)
        {
            if (inputs.CpuUtilization is { } util && util >= parameters.UtilizationHigh)
            {
                triggers.Add(new Trigger("utilization_high", "cpu.util", util, "UtilizationHigh", parameters.UtilizationHigh));
                busy = true;
            }

            if (inputs.ThrottledRatio is { } throttled && throttled >= t.ThrottlingThreshold && t.ThrottlingThreshold > 0)
            {
                triggers.Add(new Trigger("throttling", "cpu.throttled_ratio", throttled, "ThrottlingThreshold", t.ThrottlingThreshold));
                starved = true;
            }

            if (inputs.CpuPressure is { } pressure && pressure >= t.PressureThreshold && t.PressureThreshold > 0)
            {
                triggers.Add(new Trigger("cpu_pressure", "psi.cpu.some_avg10", pressure, "PressureThreshold", t.PressureThreshold));
                starved = true;
            }

            if (t.ShadowDropThreshold > 0 && inputs.ShadowDropShare >= t.ShadowDropThreshold)
            {
                triggers.Add(new Trigger("shadow_degraded", "volume.dropped_share", inputs.ShadowDropShare, "ShadowDropThreshold", t.ShadowDropThreshold));
                starved = true;
            }
        }

        // Shadow degradation (Orchestration/Mirror): the shadow slows or fails first → pre-emptive scale-up.
        if (Mirror.ShadowDegradationRule.Fires(inputs, t, triggers))
        {
            wanted = Math.Max(wanted, current * parameters.HighFactor);
        }

        if (starved)
        {
            // Throttled, contended or shedding: the use measured is capped by the limit and the demand above it unseen,
            // so step by HighFactor.
            wanted = Math.Max(wanted, current * parameters.HighFactor);
        }
        else if (busy && need is { } busyNeed)
        {
            // Busy but served: the whole demand is in the measured use, so size it to the middle of the band
            // (HPA's current × utilization / target) instead of compounding HighFactor on a known load.
            wanted = Math.Max(wanted, busyNeed);
        }

        if ((starved || busy) && inputs.CoresUsed is { } used)
        {
            wanted = Math.Max(wanted, used * (1 + headroom));
        }

        double? needed = on.Forecast && inputs.ForecastPeakRate is { } peak ? peak * (1 + headroom) / rpc : null;
        need = Max(need, needed);
        if (on.Forecast && inputs.ForecastPeakRate is { } forecast)
        {
            var grow = false;
            if (t.HighVolumeThreshold > 0 && forecast > t.HighVolumeThreshold)
            {
                triggers.Add(new Trigger("forecast_high_volume", "forecast.peak_rate", forecast, "HighVolumeThreshold", t.HighVolumeThreshold));
                grow = true;
            }

            if (forecast > capacity * t.CapacityThreshold)
            {
                triggers.Add(new Trigger("forecast_over_capacity", "forecast.peak_rate", forecast, "capacity×CapacityThreshold", capacity * t.CapacityThreshold));
                grow = true;
            }

            if (grow)
            {
                wanted = Math.Max(wanted, needed!.Value);
                sizedByDemand = Math.Max(sizedByDemand, needed.Value);
            }
        }

        // The nowcast: the workload's rate in the agent's shadow already presses on capacity before the CPU saturates.
        // Sized for where it is going — the forecast's upper interval (else its peak), at most HighFactor × the nowcast
        // (the largest step one signal takes) and at least the nowcast — with headroom.
        // A significant rise (the trend) that will press on capacity within a few windows fires it early, sized for where
        // the rise is heading.
        var trend = on.Workload && inputs.WorkloadTrendRate is { } rising && inputs.WorkloadRate is { } now && rising > now ? rising : (double?)null;
        if (on.Workload && inputs.WorkloadRate is { } rate
            && (rate > capacity * t.CapacityThreshold || trend > capacity * t.CapacityThreshold))
        {
            triggers.Add(rate > capacity * t.CapacityThreshold
                ? new Trigger("workload_over_capacity", "workload.rate", rate, "capacity×CapacityThreshold", capacity * t.CapacityThreshold)
                : new Trigger("workload_trend_over_capacity", "workload.trend_rate", trend!.Value, "capacity×CapacityThreshold", capacity * t.CapacityThreshold));
            var ahead = inputs.ForecastUpperRate ?? inputs.ForecastPeakRate ?? rate;
            var sized = Math.Max(Math.Max(rate, trend ?? 0), Math.Min(ahead, rate * parameters.HighFactor)) * (1 + headroom) / rpc;
            wanted = Math.Max(wanted, sized);
            sizedByDemand = Math.Max(sizedByDemand, sized);
            need = Max(need, sized);
        }

        var fromMemory = inputs.CurrentMemoryBytes;
        var toMemory = fromMemory;
        if (on.Reactive && t.MaxMemoryBytes > 0 && fromMemory > 0)
        {
            var memoryHigh = false;
            if (inputs.MemoryUtilization is { } memory && memory >= t.MemoryHigh)
            {
                triggers.Add(new Trigger("memory_high", "mem.util", memory, "MemoryHigh", t.MemoryHigh));
                memoryHigh = true;
            }

            if (inputs.MemoryPressure is { } memoryPressure && memoryPressure >= t.PressureThreshold && t.PressureThreshold > 0)
            {
                triggers.Add(new Trigger("memory_pressure", "psi.memory.some_avg10", memoryPressure, "PressureThreshold", t.PressureThreshold));
                memoryHigh = true;
            }

            if (memoryHigh)
            {
                toMemory = Math.Clamp((long)(fromMemory * parameters.HighFactor), t.MinMemoryBytes, t.MaxMemoryBytes);
            }
        }

        var memoryGrows = toMemory > fromMemory;
        var cpuTarget = Round(Math.Clamp(wanted, t.MinCpuCores, t.MaxCpuCores));
        var cpuGrows = cpuTarget > current * (1 + MinChangeShare) && cpuTarget - current >= 0.01;
        if (triggers.Count > 0)
        {
            if (!cpuGrows && !memoryGrows)
            {
                // Something fired but the target is already as large as wanted (or at its maximum).
                var bound = wanted > t.MaxCpuCores ? new Trigger("bound", "wanted.cpu_cores", Round(wanted), "MaxCpuCores", t.MaxCpuCores) : null;
                if (bound is not null)
                {
                    triggers.Add(bound);
                }

                return Hold(inputs, triggers, bound is null ? null : "bound", 0, need);
            }

            if (inputs.LastUpMs is { } lastUp && inputs.NowMs - lastUp < t.CooldownUp.TotalMilliseconds)
            {
                // Within the cooldown only a size computed from the demand goes ahead (to that size, not the relative steps).
                var demandTarget = Round(Math.Clamp(sizedByDemand, t.MinCpuCores, t.MaxCpuCores));
                if (!(demandTarget > current * (1 + MinChangeShare) && demandTarget - current >= 0.01))
                {
                    triggers.Add(new Trigger("cooldown_up", "since_last_up_ms", inputs.NowMs - lastUp, "CooldownUp", t.CooldownUp.TotalMilliseconds));
                    return Hold(inputs, triggers, "cooldown_up", 0, need);
                }

                cpuTarget = demandTarget;
                cpuGrows = true;
            }

            if (inputs.ActionsLastHour >= t.MaxActionsPerHour)
            {
                triggers.Add(new Trigger("max_actions_per_hour", "actions_last_hour", inputs.ActionsLastHour, "MaxActionsPerHour", t.MaxActionsPerHour));
                return Hold(inputs, triggers, "max_actions_per_hour", 0, need);
            }

            return new Decision(ScaleAction.Up, current, cpuGrows ? cpuTarget : current, fromMemory, toMemory, triggers,
                inputs.Forecaster ?? "", inputs.ForecastPeakRate, null, 0)
            { NeededCpuCores = need };
        }

        // 2. Reasons to shrink: all of them, for Hysteresis windows in a row. With forecasts on, the forecast must be well
        // under capacity (and utilization low when measured); reactive-only, measured utilization under UtilizationLow.
        if (on.Forecast)
        {
            if (inputs.ForecastPeakRate is not { } low || needed is null)
            {
                return Hold(inputs, triggers, null, 0, need);
            }

            if (t.LowVolumeThreshold > 0 && low < t.LowVolumeThreshold)
            {
                triggers.Add(new Trigger("forecast_low_volume", "forecast.peak_rate", low, "LowVolumeThreshold", t.LowVolumeThreshold));
            }

            if (low < capacity * t.DownscaleThreshold)
            {
                triggers.Add(new Trigger("forecast_under_capacity", "forecast.peak_rate", low, "capacity×DownscaleThreshold", capacity * t.DownscaleThreshold));
            }

            if (triggers.Count == 0)
            {
                return Hold(inputs, triggers, null, 0, need);
            }
        }
        else if (inputs.CpuUtilization is null)
        {
            return Hold(inputs, triggers, null, 0, need);
        }

        if (inputs.CpuUtilization is { } idle)
        {
            if (idle >= parameters.UtilizationLow)
            {
                if (!on.Forecast)
                {
                    return Hold(inputs, triggers, null, 0, need);
                }

                // The forecast says shrink, the measurement says the target is busy: keep it.
                triggers.Add(new Trigger("utilization_not_low", "cpu.util", idle, "UtilizationLow", parameters.UtilizationLow));
                return Hold(inputs, triggers, "utilization", 0, need);
            }

            triggers.Add(new Trigger("utilization_low", "cpu.util", idle, "UtilizationLow", parameters.UtilizationLow));
        }

        var lowWindows = inputs.LowWindows + 1;
        if (lowWindows < hysteresis)
        {
            triggers.Add(new Trigger("hysteresis", "low_windows", lowWindows, "Hysteresis", hysteresis));
            return Hold(inputs, triggers, "hysteresis", lowWindows, need);
        }

        var floor = current * (1 - downStep);
        var downTarget = Round(Math.Clamp(Math.Max(need ?? 0, floor), t.MinCpuCores, t.MaxCpuCores));
        if (inputs.StabilizedCpuCores is { } stabilized && stabilized > downTarget)
        {
            // A window in the stabilization span called for more: go no lower than that (HPA's scale-down stabilization).
            triggers.Add(new Trigger("stabilization", "stabilized.cpu_cores", Round(stabilized), "DownscaleStabilization", t.DownscaleStabilization.TotalMilliseconds));
            downTarget = Round(Math.Clamp(stabilized, t.MinCpuCores, t.MaxCpuCores));
        }

        if (!(downTarget < current * (1 - MinChangeShare) && current - downTarget >= 0.01))
        {
            var atMin = current <= t.MinCpuCores;
            if (atMin)
            {
                triggers.Add(new Trigger("bound", "cpu_cores", current, "MinCpuCores", t.MinCpuCores));
            }

            return Hold(inputs, triggers, atMin ? "bound" : triggers[^1].Rule == "stabilization" ? "stabilization" : null, lowWindows, need);
        }

        var lastAction = Math.Max(inputs.LastUpMs ?? long.MinValue, inputs.LastDownMs ?? long.MinValue);
        if (lastAction != long.MinValue && inputs.NowMs - lastAction < t.CooldownDown.TotalMilliseconds)
        {
            triggers.Add(new Trigger("cooldown_down", "since_last_action_ms", inputs.NowMs - lastAction, "CooldownDown", t.CooldownDown.TotalMilliseconds));
            return Hold(inputs, triggers, "cooldown_down", lowWindows, need);
        }

        if (inputs.ActionsLastHour >= t.MaxActionsPerHour)
        {
            triggers.Add(new Trigger("max_actions_per_hour", "actions_last_hour", inputs.ActionsLastHour, "MaxActionsPerHour", t.MaxActionsPerHour));
            return Hold(inputs, triggers, "max_actions_per_hour", lowWindows, need);
        }

        return new Decision(ScaleAction.Down, current, downTarget, fromMemory, fromMemory, triggers, inputs.Forecaster ?? "", inputs.ForecastPeakRate, null, 0)
        { NeededCpuCores = need };
    }

    /// <summary>Whether <paramref name="actionMs"/> falls in the hour before <paramref name="nowMs"/>.</summary>
    public static bool InLastHour(long actionMs, long nowMs) => nowMs - actionMs < HourMs;

    private static Decision Hold(in PolicyInputs inputs, List<Trigger> triggers, string? blocked, int lowWindows, double? need) =>
        new(ScaleAction.Hold, inputs.CurrentCpuCores, inputs.CurrentCpuCores, inputs.CurrentMemoryBytes, inputs.CurrentMemoryBytes,
            triggers, inputs.Forecaster ?? "", inputs.ForecastPeakRate, blocked, lowWindows)
        { NeededCpuCores = need };

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static double Round(double cores) => Math.Round(cores, 2, MidpointRounding.AwayFromZero);
}
