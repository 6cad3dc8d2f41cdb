using ShadowAgent.Aggregator.Orchestration;
using ShadowAgent.Aggregator.Orchestration.Mirror;

namespace ShadowAgent.Aggregator.Tests.Orchestration;

/// <summary>The shadow_degradation rule and the share controller's policy, as pure functions.</summary>
public sealed class MirrorShareTests
{
    private const long Window = 100;

    private static TargetOptions Target(Action<TargetOptions>? change = null) => PolicyData.Target(t =>
    {
        t.ShadowStream = FakeAgent.Mirror;
        change?.Invoke(t);
    });

    private static ShadowComparison Shadow(double primaryP99 = 100, double shadowP99 = 100, double errors = 0, ulong dropped = 0, long window = Window)
    {
        var comparison = new ShadowComparison();
        comparison.Observe(FakeAgent.MirrorProfile(window, primaryP99, shadowP99, errors, dropped));
        return comparison;
    }

    private static PolicyInputs At(ShadowComparison shadow, double? cpu = 0.5, double? forecast = 1000) =>
        PolicyData.Quiet() with { NowMs = shadow.WindowEndMs, CpuUtilization = cpu, ForecastPeakRate = forecast };

    [Fact]
    public void Decide_ShadowP99RatioOverThreshold_ScalesUpWithTheTriggerExplained()
    {
        var decision = PolicyData.Decide(PolicyData.Quiet() with { ShadowLatencyRatio = 2.4, ShadowErrorRate = 0 }, Target());

        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(3, decision.ToCpuCores); // 2 × HighFactor 1.5
        var trigger = Assert.Single(decision.Triggers);
        Assert.Equal(new Trigger("shadow_degradation", "shadow.latency_p99_ratio[checkout-mirror]", 2.4, "ShadowLatencyRatio", 1.5), trigger);
        Assert.Equal("shadow_degradation: shadow.latency_p99_ratio[checkout-mirror] 2.4 vs ShadowLatencyRatio 1.5", decision.Reason());
    }

    [Fact]
    public void Decide_ShadowErrorsOverThreshold_ScalesUp()
    {
        var decision = PolicyData.Decide(PolicyData.Quiet() with { ShadowLatencyRatio = 1.1, ShadowErrorRate = 0.08 }, Target());

        Assert.Equal(ScaleAction.Up, decision.Action);
        Assert.Equal(("shadow.error_rate[checkout-mirror]", 0.05), (decision.Triggers[0].Input, decision.Triggers[0].Limit));
    }

    [Fact]
    public void Decide_RatioUnderThresholdOrNoShadowStream_Holds()
    {
        Assert.Equal(ScaleAction.Hold, PolicyData.Decide(PolicyData.Quiet() with { ShadowLatencyRatio = 1.4, ShadowErrorRate = 0.04 }, Target()).Action);
        var unconfigured = PolicyData.Decide(PolicyData.Quiet() with { ShadowLatencyRatio = 5, ShadowErrorRate = 1 }, PolicyData.Target());
        Assert.Equal((ScaleAction.Hold, 0), (unconfigured.Action, unconfigured.Triggers.Count));
    }

    [Fact]
    public void Snapshot_StaleShadowWindow_NotUsed()
    {
        var runtime = new TargetRuntime("web", Target(), new OrchestratorOptions());
        runtime.ObserveShadow(FakeAgent.MirrorProfile(0, 100, 300, 0.1));
        Assert.Equal((3.0, 0.1), (runtime.Snapshot().ShadowLatencyRatio, runtime.Snapshot().ShadowErrorRate));

        runtime.ObserveWorkload(FakeAgent.WorkloadProfile(5, rate: 1000));

        Assert.Null(runtime.Snapshot().ShadowLatencyRatio);
    }

    [Fact]
    public void Share_ShadowDegraded_RaisedWithTheReason()
    {
        var state = new MirrorShareState(0.1);
        var shadow = Shadow(shadowP99: 300);

        var change = MirrorSharePolicy.Decide(state, At(shadow), shadow, Target(), 1000);

        Assert.Equal((0.1, 0.2, "raise"), (change!.FromShare, change.ToShare, change.Direction));
        Assert.Equal("useful: shadow.latency_p99_ratio 3 >= ShadowLatencyRatio 1.5", change.Reason);
    }

    [Fact]
    public void Share_ForecastNearCapacity_Raised()
    {
        var shadow = Shadow();

        var change = MirrorSharePolicy.Decide(new MirrorShareState(0.1), At(shadow, forecast: 1500), shadow, Target(), 1000);

        Assert.Equal("useful: forecast.peak_rate 1500 >= capacity×ForecastCapacityShare 1200", change!.Reason);
    }

    [Fact]
    public void Share_DroppedCopiesOrBusyHostOrFailingShadow_LoweredEvenWhileUseful()
    {
        var dropping = Shadow(shadowP99: 300, dropped: 20);
        var busy = Shadow(shadowP99: 300);
        var failing = Shadow(errors: 0.7);

        var dropped = MirrorSharePolicy.Decide(new MirrorShareState(0.4), At(dropping), dropping, Target(), 1000);
        var cpu = MirrorSharePolicy.Decide(new MirrorShareState(0.4), At(busy, cpu: 0.95), busy, Target(), 1000);
        var errors = MirrorSharePolicy.Decide(new MirrorShareState(0.4), At(failing), failing, Target(), 1000);

        Assert.Equal((0.2, "lower", "cost: mirror volume.dropped_share 0.1 >= CostDropShare 0.01"), (dropped!.ToShare, dropped.Direction, dropped.Reason));
        Assert.Equal("cost: cpu.util 0.95 >= CostCpuUtilization 0.9", cpu!.Reason);
        Assert.Equal("cost: shadow.error_rate 0.7 >= CostErrorRate 0.5", errors!.Reason);
    }

    [Fact]
    public void Share_AtBounds_ClampedThenUnchanged()
    {
        var useful = Shadow(shadowP99: 300);
        var costly = Shadow(errors: 0.9);
        var target = Target(t => t.MirrorShare.MaxShare = 0.3);

        Assert.Equal(0.3, MirrorSharePolicy.Decide(new MirrorShareState(0.2), At(useful), useful, target, 1000)!.ToShare);
        Assert.Null(MirrorSharePolicy.Decide(new MirrorShareState(0.3), At(useful), useful, target, 1000));
        Assert.Equal(0.01, MirrorSharePolicy.Decide(new MirrorShareState(0.015), At(costly), costly, target, 1000)!.ToShare);
        Assert.Null(MirrorSharePolicy.Decide(new MirrorShareState(0.01), At(costly), costly, target, 1000));
        Assert.Equal(0.01, MirrorSharePolicy.Decide(new MirrorShareState(0), At(useful), useful, target, 1000)!.ToShare);
    }

    [Fact]
    public void Share_WithinCooldown_HeldThenRaisedWhileRecentlyUseful()
    {
        var target = Target(t => t.MirrorShare.Cooldown = TimeSpan.FromMinutes(2));
        var state = new MirrorShareState(0.05);
        var degraded = Shadow(shadowP99: 300);
        var first = MirrorSharePolicy.Decide(state, At(degraded), degraded, target, 1000)!;
        state.Share = first.ToShare;
        state.LastChangeMs = degraded.WindowEndMs;

        var soon = Shadow(shadowP99: 300, window: Window + 6); // 60 s later
        var calm = Shadow(window: Window + 12);                // 120 s later, not degraded now

        Assert.Null(MirrorSharePolicy.Decide(state, At(soon), soon, target, 1000));
        var later = MirrorSharePolicy.Decide(state, At(calm), calm, target, 1000)!;
        Assert.Equal((0.1, 0.2), (later.FromShare, later.ToShare));
        Assert.StartsWith("useful: shadow.latency_p99_ratio 3 >= ShadowLatencyRatio 1.5 (60000 ms ago", later.Reason);
    }

    [Fact]
    public void Share_NeitherUsefulNorCostly_Unchanged()
    {
        var shadow = Shadow();
        Assert.Null(MirrorSharePolicy.Decide(new MirrorShareState(0.1), At(shadow), shadow, Target(), 1000));
    }

    [Fact]
    public void Validate_BadShareBounds_ErrorsNameTheKey()
    {
        var options = new OrchestratorOptions { Targets = { ["web"] = Target(t => { t.MirrorShare.MinShare = 0.4; t.MirrorShare.MaxShare = 0.2; t.ShadowErrorRate = 2; }) } };

        var errors = OrchestratorOptionsValidator.Validate(options);

        Assert.Contains("Aggregator:Orchestrator:Targets:web:MirrorShare:MaxShare: '0.2' must be at least MinShare '0.4' and at most 1", errors);
        Assert.Contains("Aggregator:Orchestrator:Targets:web:ShadowErrorRate: '2' must be between 0 and 1", errors);
    }
}
