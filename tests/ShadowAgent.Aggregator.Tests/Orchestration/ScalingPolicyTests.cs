using ShadowAgent.Aggregator.Orchestration;

namespace ShadowAgent.Aggregator.Tests.Orchestration;

public sealed class ScalingPolicyTests
{
    [Fact]
    public void Decide_NothingFires_HoldsWithoutTriggers()
    {
        var decision = PolicyData.Decide(PolicyData.Quiet());
        Assert.Equal(ScaleAction.Hold, decision.Action);
        Assert.Empty(decision.Triggers);
        Assert.Null(decision.Blocked);
        Assert.Equal(2, decision.ToCpuCores);
    }

    [Fact]
    public void Decide_AnomalyOverThreshold_ScalesUpByHighFactor()
    {
        var decision = PolicyData.Decide(PolicyData.Quiet() with { AnomalyScore = 0.995, AnomalyStream = "orders" });
        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(3, decision.ToCpuCores); // 2 × 1.5
        var trigger = Assert.Single(decision.Triggers);
        Assert.Equal("anomaly", trigger.Rule);
        Assert.Equal("anomaly.score[orders]", trigger.Input);
        Assert.Equal(0.995, trigger.Value);
        Assert.Equal("AnomalyThreshold", trigger.Threshold);
        Assert.Equal(0.99, trigger.Limit);
    }

    [Fact]
    public void Decide_ForecastOverCapacity_ScalesToForecastWithHeadroom()
    {
        // Capacity 2000/s, threshold 0.8 → 1600/s. Forecast 2500/s needs 2500 × 1.2 / 1000 = 3 cores.
        var decision = PolicyData.Decide(PolicyData.Quiet() with { ForecastPeakRate = 2500 });
        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(3, decision.ToCpuCores);
        var trigger = Assert.Single(decision.Triggers);
        Assert.Equal("forecast_over_capacity", trigger.Rule);
        Assert.Equal(2500, trigger.Value);
        Assert.Equal(1600, trigger.Limit);
        Assert.Equal("agent", decision.Forecaster);
    }

    [Fact]
    public void Decide_ForecastOverHighVolume_ScalesUpEvenWithinCapacity()
    {
        var target = PolicyData.Target(t => t.HighVolumeThreshold = 1200);
        var decision = PolicyData.Decide(PolicyData.Quiet() with { ForecastPeakRate = 1500 }, target);
        Assert.Equal(ScaleAction.Hold, decision.Action); // 1500 × 1.2 / 1000 = 1.8 cores < 2: already sized
        Assert.Equal("forecast_high_volume", Assert.Single(decision.Triggers).Rule);

        var bigger = PolicyData.Decide(PolicyData.Quiet() with { ForecastPeakRate = 1550, CurrentCpuCores = 1 }, target);
        Assert.Equal(ScaleAction.Up, bigger.Action);
        Assert.Equal(1.86, bigger.ToCpuCores);
    }

    [Fact]
    public void Decide_BusyButNotThrottled_SizesMeasuredUseToMiddleOfBand()
    {
        // 2 cores at 0.85 use 1.7; the band 0.3–0.8 centres on 0.55: 1.7 / 0.55 = 3.09 cores, where × HighFactor gave 3.
        var decision = PolicyData.Decide(PolicyData.Quiet() with { CpuUtilization = 0.85 });
        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(3.09, decision.ToCpuCores);
        Assert.Equal("utilization_high", Assert.Single(decision.Triggers).Rule);

        // Just over the line with a large learned HighFactor: the measured demand, not 2 × 2.5 = 5 cores.
        var learned = ScalingPolicy.Decide(PolicyData.Quiet() with { CpuUtilization = 0.81 },
            PolicyParameters.From(PolicyData.Target()) with { HighFactor = 2.5 });
        Assert.Equal(2.95, learned.ToCpuCores);
    }

    [Fact]
    public void Decide_BusyAndThrottled_StepsByHighFactor()
    {
        var decision = ScalingPolicy.Decide(PolicyData.Quiet() with { CpuUtilization = 0.81, ThrottledRatio = 0.2 },
            PolicyParameters.From(PolicyData.Target()) with { HighFactor = 2.5 });
        Assert.Equal(5, decision.ToCpuCores);
        Assert.Equal(["utilization_high", "throttling"], decision.Triggers.Select(t => t.Rule));
    }

    [Theory]
    [InlineData(0.5, 0.2, 1.0, "throttling")]
    [InlineData(0.5, 0.0, 35.0, "cpu_pressure")]
    public void Decide_ReactiveSignal_ScalesUpByHighFactor(double utilization, double throttled, double pressure, string rule)
    {
        var decision = PolicyData.Decide(PolicyData.Quiet() with { CpuUtilization = utilization, ThrottledRatio = throttled, CpuPressure = pressure });
        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(3, decision.ToCpuCores);
        Assert.Equal(rule, Assert.Single(decision.Triggers).Rule);
    }

    [Fact]
    public void Decide_ShadowDroppingRecords_ScalesUp()
    {
        var decision = PolicyData.Decide(PolicyData.Quiet() with { ShadowDropShare = 0.05 });
        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal("shadow_degraded", Assert.Single(decision.Triggers).Rule);
    }

    [Fact]
    public void Decide_UpOverMaximum_ClampedAndAtMaximumHolds()
    {
        var up = PolicyData.Decide(PolicyData.Quiet(cores: 6) with { AnomalyScore = 1 });
        Assert.Equal(8, up.ToCpuCores);

        var atMax = PolicyData.Decide(PolicyData.Quiet(cores: 8) with { AnomalyScore = 1 });
        Assert.Equal(ScaleAction.Hold, atMax.Action);
        Assert.Equal("bound", atMax.Blocked);
        Assert.Equal("MaxCpuCores", atMax.Triggers[^1].Threshold);
    }

    [Fact]
    public void Decide_UpWithinCooldown_HoldsNamingCooldown()
    {
        var inputs = PolicyData.Quiet() with { AnomalyScore = 1, LastUpMs = 10_000_000 - 30_000 };
        var decision = PolicyData.Decide(inputs);
        Assert.Equal(ScaleAction.Hold, decision.Action);
        Assert.Equal("cooldown_up", decision.Blocked);
        Assert.Equal(30_000, decision.Triggers[^1].Value);

        // A scale-down does not hold back an urgent scale-up.
        Assert.Equal(ScaleAction.Up, PolicyData.Decide(PolicyData.Quiet() with { AnomalyScore = 1, LastDownMs = 10_000_000 - 30_000 }).Action);
    }

    [Fact]
    public void Decide_ActionsPerHourSpent_Holds()
    {
        var decision = PolicyData.Decide(PolicyData.Quiet() with { AnomalyScore = 1, ActionsLastHour = 6 });
        Assert.Equal(ScaleAction.Hold, decision.Action);
        Assert.Equal("max_actions_per_hour", decision.Blocked);
    }

    [Fact]
    public void Decide_LowForecast_ScalesDownOnlyAfterHysteresisAndConservatively()
    {
        // Capacity 4000/s (4 cores), downscale threshold 0.4 → 1600/s; forecast 500/s needs 0.6 cores, but one step
        // removes at most 25%: 4 → 3.
        var inputs = PolicyData.Quiet(cores: 4) with { ForecastPeakRate = 500, CpuUtilization = 0.1 };
        var first = PolicyData.Decide(inputs);
        Assert.Equal(ScaleAction.Hold, first.Action);
        Assert.Equal("hysteresis", first.Blocked);
        Assert.Equal(1, first.LowWindows);
        var second = PolicyData.Decide(inputs with { LowWindows = first.LowWindows });
        Assert.Equal(2, second.LowWindows);
        Assert.Equal(ScaleAction.Hold, second.Action);
        var third = PolicyData.Decide(inputs with { LowWindows = second.LowWindows });
        Assert.Equal(ScaleAction.Down, third.Action);
        Assert.Equal(3, third.ToCpuCores);
        Assert.Contains(third.Triggers, t => t.Rule == "forecast_under_capacity" && t.Limit == 1600);
        Assert.Contains(third.Triggers, t => t.Rule == "utilization_low");
    }

    [Fact]
    public void Decide_LowForecastButBusy_DoesNotScaleDown()
    {
        var decision = PolicyData.Decide(PolicyData.Quiet(cores: 4) with { ForecastPeakRate = 500, CpuUtilization = 0.5, LowWindows = 5 });
        Assert.Equal(ScaleAction.Hold, decision.Action);
        Assert.Equal("utilization", decision.Blocked);
        Assert.Equal(0, decision.LowWindows);
    }

    [Fact]
    public void Decide_DownWithinCooldownOfAnyAction_Holds()
    {
        var inputs = PolicyData.Quiet(cores: 4) with { ForecastPeakRate = 500, CpuUtilization = 0.1, LowWindows = 5, LastUpMs = 10_000_000 - 60_000 };
        var decision = PolicyData.Decide(inputs);
        Assert.Equal("cooldown_down", decision.Blocked);
    }

    [Fact]
    public void Decide_LowVolumeThreshold_ScalesDownToMinimum()
    {
        var target = PolicyData.Target(t => t.LowVolumeThreshold = 100);
        var inputs = PolicyData.Quiet(cores: 0.6) with { ForecastPeakRate = 50, WorkloadRate = 50, CpuUtilization = 0.05, LowWindows = 2 };
        var decision = PolicyData.Decide(inputs, target);
        Assert.Equal(ScaleAction.Down, decision.Action);
        Assert.Equal(0.5, decision.ToCpuCores); // floor 0.45 clamped to MinCpuCores
        Assert.Contains(decision.Triggers, t => t.Rule == "forecast_low_volume");

        var atMin = PolicyData.Decide(inputs with { CurrentCpuCores = 0.5 }, target);
        Assert.Equal(ScaleAction.Hold, atMin.Action);
        Assert.Equal("bound", atMin.Blocked);
    }

    [Fact]
    public void Decide_Criticality_CriticalKeepsMoreHeadroomAndWaitsLonger()
    {
        var inputs = PolicyData.Quiet(cores: 1) with { ForecastPeakRate = 1000 };
        Assert.Equal(1.2, PolicyData.Decide(inputs).ToCpuCores);
        Assert.Equal(1.3, PolicyData.Decide(inputs, PolicyData.Target(t => t.Criticality = "critical")).ToCpuCores);
        Assert.Equal(1.15, PolicyData.Decide(inputs, PolicyData.Target(t => t.Criticality = "low")).ToCpuCores);

        var low = PolicyData.Quiet(cores: 4) with { ForecastPeakRate = 500, CpuUtilization = 0.1, LowWindows = 3 };
        var critical = PolicyData.Target(t => t.Criticality = "critical");
        Assert.Equal("hysteresis", PolicyData.Decide(low, critical).Blocked); // needs 6 windows
        var down = PolicyData.Decide(low with { LowWindows = 5 }, critical);
        Assert.Equal(ScaleAction.Down, down.Action);
        Assert.Equal(3.5, down.ToCpuCores); // half the step: 12.5%
    }

    [Fact]
    public void Decide_MemoryUtilizationHigh_GrowsMemoryWithinBounds()
    {
        var target = PolicyData.Target(t =>
        {
            t.MinMemoryBytes = 256L << 20;
            t.MaxMemoryBytes = 1L << 30;
        });
        var decision = PolicyData.Decide(PolicyData.Quiet() with { CurrentMemoryBytes = 512L << 20, MemoryUtilization = 0.95 }, target);
        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(768L << 20, decision.ToMemoryBytes);
        Assert.Equal(2, decision.ToCpuCores);
        Assert.Equal("memory_high", Assert.Single(decision.Triggers).Rule);
    }

    [Fact]
    public void Decide_NoForecast_ReactiveOnly()
    {
        var decision = PolicyData.Decide(PolicyData.Quiet() with { ForecastPeakRate = null, Forecaster = null });
        Assert.Equal(ScaleAction.Hold, decision.Action);
        Assert.Equal("", decision.Forecaster);
    }

    private static TargetOptions ReactiveOnly(Action<TargetOptions>? change = null) => PolicyData.Target(t =>
    {
        t.Triggers = new TriggerOptions { Reactive = true, Anomaly = false, Forecast = false, Workload = false };
        change?.Invoke(t);
    });

    [Fact]
    public void Decide_ReactiveOnly_IgnoresAnomalyForecastAndWorkloadRate()
    {
        var inputs = PolicyData.Quiet() with { AnomalyScore = 1, VolumeSpike = true, ForecastPeakRate = 5000, WorkloadRate = 5000 };
        var decision = PolicyData.Decide(inputs, ReactiveOnly());
        Assert.Equal(ScaleAction.Hold, decision.Action);
        Assert.Empty(decision.Triggers);

        var busy = PolicyData.Decide(inputs with { CpuUtilization = 0.9 }, ReactiveOnly());
        Assert.Equal(ScaleAction.Up, busy.Action);
        Assert.Equal("utilization_high", Assert.Single(busy.Triggers).Rule);
    }

    [Fact]
    public void Decide_PredictiveOnly_IgnoresMeasuredPressure()
    {
        var target = PolicyData.Target(t => t.Triggers.Reactive = false);
        var decision = PolicyData.Decide(PolicyData.Quiet() with { CpuUtilization = 0.95, ThrottledRatio = 0.5, CpuPressure = 80 }, target);
        Assert.Equal(ScaleAction.Hold, decision.Action);
        Assert.Empty(decision.Triggers);
    }

    [Fact]
    public void Decide_ReactiveOnlyIdle_ScalesDownToUseAtMiddleOfBandAfterHysteresis()
    {
        // 4 cores at 10% use 0.4 cores; the band's middle is (0.3 + 0.8) / 2 = 0.55, so 0.4 / 0.55 = 0.73 cores; one
        // step removes at most 25%: 4 → 3. No forecast is needed.
        var inputs = PolicyData.Quiet(cores: 4) with { CpuUtilization = 0.1, ForecastPeakRate = null, Forecaster = null, WorkloadRate = 400 };
        var first = PolicyData.Decide(inputs, ReactiveOnly());
        Assert.Equal("hysteresis", first.Blocked);
        var down = PolicyData.Decide(inputs with { LowWindows = 2 }, ReactiveOnly());
        Assert.Equal(ScaleAction.Down, down.Action);
        Assert.Equal(3, down.ToCpuCores);
        Assert.Contains(down.Triggers, t => t.Rule == "utilization_low");

        // Busy enough to stay: no reason to shrink, no trigger recorded.
        var busy = PolicyData.Decide(inputs with { CpuUtilization = 0.5, LowWindows = 2 }, ReactiveOnly());
        Assert.Equal(ScaleAction.Hold, busy.Action);
        Assert.Empty(busy.Triggers);
    }

    [Fact]
    public void Decide_ScaleDown_LandsUnderUtilizationHigh()
    {
        // 1 core at 25% (0.25 cores used), floor 0.75: the use at the band's middle is 0.45, so the step goes to 0.75,
        // where the same use is 33% — nowhere near UtilizationHigh, so the next busy window does not undo it.
        var inputs = PolicyData.Quiet(cores: 1) with { CpuUtilization = 0.25, ForecastPeakRate = 200, WorkloadRate = 200, LowWindows = 2 };
        var down = PolicyData.Decide(inputs);
        Assert.Equal(ScaleAction.Down, down.Action);
        Assert.Equal(0.75, down.ToCpuCores);
        Assert.True(0.25 / down.ToCpuCores < PolicyData.Target().UtilizationHigh);

        Assert.Equal(0.25 / 0.55, down.NeededCpuCores!.Value, 9);
    }

    [Fact]
    public void Decide_StabilizationSpanCalledForMore_DownGoesNoLowerThanThat()
    {
        var inputs = PolicyData.Quiet(cores: 4) with { CpuUtilization = 0.1, ForecastPeakRate = 500, WorkloadRate = 500, LowWindows = 2, StabilizedCpuCores = 3.6 };
        var down = PolicyData.Decide(inputs);
        Assert.Equal(ScaleAction.Down, down.Action);
        Assert.Equal(3.6, down.ToCpuCores);
        Assert.Contains(down.Triggers, t => t.Rule == "stabilization" && t.Value == 3.6);

        var held = PolicyData.Decide(inputs with { StabilizedCpuCores = 3.9 });
        Assert.Equal(ScaleAction.Hold, held.Action);
        Assert.Equal("stabilization", held.Blocked);
    }

    [Fact]
    public void Decide_WorkloadRateOverCapacity_ScalesToForecastUpperWithinHighFactor()
    {
        // 2 cores × 1000/s × 0.8 = 1600/s; the shadow already sees 1800/s. The upper interval says 2500/s ahead, within
        // 1.5 × 1800 = 2700: 2500 × 1.2 / 1000 = 3 cores, before the CPU saturates (utilization still 0.5).
        var inputs = PolicyData.Quiet() with { WorkloadRate = 1800, ForecastPeakRate = 1500, ForecastUpperRate = 2500 };
        var decision = PolicyData.Decide(inputs);
        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(3, decision.ToCpuCores);
        var trigger = Assert.Single(decision.Triggers);
        Assert.Equal("workload_over_capacity", trigger.Rule);
        Assert.Equal("workload.rate", trigger.Input);
        Assert.Equal(1600, trigger.Limit);

        // A very wide interval is capped at HighFactor × the nowcast: 2700 × 1.2 / 1000 = 3.24.
        Assert.Equal(3.24, PolicyData.Decide(inputs with { ForecastUpperRate = 9000 }).ToCpuCores);
        // No forecast at all: the nowcast with headroom, 1800 × 1.2 / 1000 = 2.16.
        Assert.Equal(2.16, PolicyData.Decide(inputs with { ForecastPeakRate = null, ForecastUpperRate = null, Forecaster = null }).ToCpuCores);
    }

    [Fact]
    public void Decide_RisingTrendHeadingOverCapacity_ScalesBeforeTheRateGetsThere()
    {
        // 1400/s is under 2 cores × 1000/s × 0.8 = 1600/s, but the rise projects to 1900/s: sized for it, 1900 × 1.2 / 1000.
        var inputs = PolicyData.Quiet() with { WorkloadRate = 1400, WorkloadTrendRate = 1900, ForecastPeakRate = null, ForecastUpperRate = null, Forecaster = null };
        var decision = PolicyData.Decide(inputs);
        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(2.28, decision.ToCpuCores);
        var trigger = Assert.Single(decision.Triggers);
        Assert.Equal("workload_trend_over_capacity", trigger.Rule);
        Assert.Equal("workload.trend_rate", trigger.Input);
        Assert.Equal(1900, trigger.Value);

        // A rise that stays under capacity, or the Workload family off, holds.
        Assert.Equal(ScaleAction.Hold, PolicyData.Decide(inputs with { WorkloadTrendRate = 1550 }).Action);
        var off = PolicyData.Target();
        off.Triggers.Workload = false;
        Assert.Equal(ScaleAction.Hold, PolicyData.Decide(inputs, off).Action);
    }

    [Fact]
    public void Decide_VolumeSpikeOverLowerThreshold_ScalesForGrowingRate()
    {
        // Score 0.95: under AnomalyThreshold 0.99, over VolumeAnomalyThreshold 0.9 because the volume itself jumped.
        var inputs = PolicyData.Quiet() with { AnomalyScore = 0.95, AnomalyStream = "orders", VolumeSpike = true, WorkloadRate = 1500 };
        var decision = PolicyData.Decide(inputs);
        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(2.7, decision.ToCpuCores); // 1500 × 1.5 × 1.2 / 1000
        var trigger = Assert.Single(decision.Triggers);
        Assert.Equal("volume_spike", trigger.Rule);
        Assert.Equal(0.9, trigger.Limit);

        // The same score without a volume spike (latency, say) is not enough.
        Assert.Equal(ScaleAction.Hold, PolicyData.Decide(inputs with { VolumeSpike = false }).Action);
    }

    [Fact]
    public void Decide_WithinUpCooldown_DemandSizedUpGoesAheadRelativeStepHolds()
    {
        var recent = PolicyData.Quiet() with { LastUpMs = 10_000_000 - 1_000, CpuUtilization = 0.95 };
        // Only the relative step (× HighFactor on a measurement from before the last change): held.
        var held = PolicyData.Decide(recent);
        Assert.Equal("cooldown_up", held.Blocked);

        // The nowcast says 1800/s against 1600/s: sized from the demand, 1800 × 1.2 / 1000 = 2.16 cores, not 2 × 1.5.
        var nowcast = PolicyData.Decide(recent with { WorkloadRate = 1800, ForecastPeakRate = null, Forecaster = null });
        Assert.Equal(ScaleAction.Up, nowcast.Action);
        Assert.Equal(2.16, nowcast.ToCpuCores);
        Assert.Contains(nowcast.Triggers, t => t.Rule == "workload_over_capacity");
    }
}
