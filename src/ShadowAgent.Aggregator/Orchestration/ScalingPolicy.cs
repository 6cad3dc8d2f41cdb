namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// The scaling rules as one pure function of a snapshot (no clock, no I/O), so every decision can be replayed
/// from its recorded inputs and the rules are unit-tested directly.
/// <list type="number">
/// <item>Up when any of: an anomaly score at or over AnomalyThreshold (× HighFactor); a reactive signal — cpu.util at
/// or over UtilizationHigh, throttling, CPU pressure, the shadow dropping records (× HighFactor, at least the used cores
/// with headroom); the forecast peak over HighVolumeThreshold or over capacity × CapacityThreshold (to the forecast
/// with headroom). The largest wanted size wins; memory grows × HighFactor on memory utilization or pressure.</item>
/// <item>Down, conservatively, when the forecast peak is under LowVolumeThreshold or capacity × DownscaleThreshold,
/// utilization is under UtilizationLow and nothing above fired, for Hysteresis consecutive windows: to the forecast
/// with headroom, but by at most DownscaleStep of the current size.</item>
/// <item>Otherwise hold. Min/max bounds clamp; cooldowns (up after an up; down after any action) and
/// MaxActionsPerHour turn a change into a hold that says what blocked it.</item>
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
        var rpc = parameters.RecordsPerCoreSecond;
        var current = inputs.CurrentCpuCores;
        var capacity = current * rpc;
        var triggers = new List<Trigger>(4);
        var wanted = current;

        // 1. Anomaly, reactive and predictive reasons to grow.
        if (inputs.AnomalyScore >= t.AnomalyThreshold && t.AnomalyThreshold > 0)
        {
            triggers.Add(new Trigger("anomaly", "anomaly.score" + (inputs.AnomalyStream is { } s ? $"[{s}]" : ""), inputs.AnomalyScore, "AnomalyThreshold", t.AnomalyThreshold));
            wanted = Math.Max(wanted, current * parameters.HighFactor);
        }

        var reactive = false;
        if (inputs.CpuUtilization is { } util && util >= parameters.UtilizationHigh)
        {
            triggers.Add(new Trigger("utilization_high", "cpu.util", util, "UtilizationHigh", parameters.UtilizationHigh));
            reactive = true;
        }

        if (inputs.ThrottledRatio is { } throttled && throttled >= t.ThrottlingThreshold && t.ThrottlingThreshold > 0)
        {
            triggers.Add(new Trigger("throttling", "cpu.throttled_ratio", throttled, "ThrottlingThreshold", t.ThrottlingThreshold));
            reactive = true;
        }

        if (inputs.CpuPressure is { } pressure && pressure >= t.PressureThreshold && t.PressureThreshold > 0)
        {
            triggers.Add(new Trigger("cpu_pressure", "psi.cpu.some_avg10", pressure, "PressureThreshold", t.PressureThreshold));
            reactive = true;
        }

        if (t.ShadowDropThreshold > 0 && inputs.ShadowDropShare >= t.ShadowDropThreshold)
        {
            triggers.Add(new Trigger("shadow_degraded", "volume.dropped_share", inputs.ShadowDropShare, "ShadowDropThreshold", t.ShadowDropThreshold));
            reactive = true;
        }

        // Shadow degradation (Orchestration/Mirror): the shadow slows or fails first → pre-emptive scale-up.
        if (Mirror.ShadowDegradationRule.Fires(inputs, t, triggers))
        {
            wanted = Math.Max(wanted, current * parameters.HighFactor);
        }

        if (reactive)
        {
            wanted = Math.Max(wanted, current * parameters.HighFactor);
            if (inputs.CoresUsed is { } used)
            {
                wanted = Math.Max(wanted, used * (1 + headroom));
            }
        }

        double? needed = inputs.ForecastPeakRate is { } peak ? peak * (1 + headroom) / rpc : null;
        if (inputs.ForecastPeakRate is { } forecast)
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
            }
        }

        var fromMemory = inputs.CurrentMemoryBytes;
        var toMemory = fromMemory;
        if (t.MaxMemoryBytes > 0 && fromMemory > 0)
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

                return Hold(inputs, triggers, bound is null ? null : "bound", 0);
            }

            if (inputs.LastUpMs is { } lastUp && inputs.NowMs - lastUp < t.CooldownUp.TotalMilliseconds)
            {
                triggers.Add(new Trigger("cooldown_up", "since_last_up_ms", inputs.NowMs - lastUp, "CooldownUp", t.CooldownUp.TotalMilliseconds));
                return Hold(inputs, triggers, "cooldown_up", 0);
            }

            if (inputs.ActionsLastHour >= t.MaxActionsPerHour)
            {
                triggers.Add(new Trigger("max_actions_per_hour", "actions_last_hour", inputs.ActionsLastHour, "MaxActionsPerHour", t.MaxActionsPerHour));
                return Hold(inputs, triggers, "max_actions_per_hour", 0);
            }

            return new Decision(ScaleAction.Up, current, cpuGrows ? cpuTarget : current, fromMemory, toMemory, triggers,
                inputs.Forecaster ?? "", inputs.ForecastPeakRate, null, 0);
        }

        // 2. Reasons to shrink: all of them, for Hysteresis windows in a row.
        if (inputs.ForecastPeakRate is not { } low || needed is null)
        {
            return Hold(inputs, triggers, null, 0);
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
            return Hold(inputs, triggers, null, 0);
        }

        if (inputs.CpuUtilization is { } idle)
        {
            if (idle >= parameters.UtilizationLow)
            {
                // The forecast says shrink, the measurement says the target is busy: keep it.
                triggers.Add(new Trigger("utilization_not_low", "cpu.util", idle, "UtilizationLow", parameters.UtilizationLow));
                return Hold(inputs, triggers, "utilization", 0);
            }

            triggers.Add(new Trigger("utilization_low", "cpu.util", idle, "UtilizationLow", parameters.UtilizationLow));
        }

        var lowWindows = inputs.LowWindows + 1;
        if (lowWindows < hysteresis)
        {
            triggers.Add(new Trigger("hysteresis", "low_windows", lowWindows, "Hysteresis", hysteresis));
            return Hold(inputs, triggers, "hysteresis", lowWindows);
        }

        var floor = current * (1 - downStep);
        var downTarget = Round(Math.Clamp(Math.Max(needed.Value, floor), t.MinCpuCores, t.MaxCpuCores));
        if (!(downTarget < current * (1 - MinChangeShare) && current - downTarget >= 0.01))
        {
            var atMin = current <= t.MinCpuCores;
            if (atMin)
            {
                triggers.Add(new Trigger("bound", "cpu_cores", current, "MinCpuCores", t.MinCpuCores));
            }

            return Hold(inputs, triggers, atMin ? "bound" : null, lowWindows);
        }

        var lastAction = Math.Max(inputs.LastUpMs ?? long.MinValue, inputs.LastDownMs ?? long.MinValue);
        if (lastAction != long.MinValue && inputs.NowMs - lastAction < t.CooldownDown.TotalMilliseconds)
        {
            triggers.Add(new Trigger("cooldown_down", "since_last_action_ms", inputs.NowMs - lastAction, "CooldownDown", t.CooldownDown.TotalMilliseconds));
            return Hold(inputs, triggers, "cooldown_down", lowWindows);
        }

        if (inputs.ActionsLastHour >= t.MaxActionsPerHour)
        {
            triggers.Add(new Trigger("max_actions_per_hour", "actions_last_hour", inputs.ActionsLastHour, "MaxActionsPerHour", t.MaxActionsPerHour));
            return Hold(inputs, triggers, "max_actions_per_hour", lowWindows);
        }

        return new Decision(ScaleAction.Down, current, downTarget, fromMemory, fromMemory, triggers, inputs.Forecaster ?? "", inputs.ForecastPeakRate, null, 0);
    }

    /// <summary>Whether <paramref name="actionMs"/> falls in the hour before <paramref name="nowMs"/>.</summary>
    public static bool InLastHour(long actionMs, long nowMs) => nowMs - actionMs < HourMs;

    private static Decision Hold(in PolicyInputs inputs, List<Trigger> triggers, string? blocked, int lowWindows) =>
        new(ScaleAction.Hold, inputs.CurrentCpuCores, inputs.CurrentCpuCores, inputs.CurrentMemoryBytes, inputs.CurrentMemoryBytes,
            triggers, inputs.Forecaster ?? "", inputs.ForecastPeakRate, blocked, lowWindows);

    private static double Round(double cores) => Math.Round(cores, 2, MidpointRounding.AwayFromZero);
}
