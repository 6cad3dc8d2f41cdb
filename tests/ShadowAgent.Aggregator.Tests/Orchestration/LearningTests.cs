using ShadowAgent.Aggregator.Orchestration;

namespace ShadowAgent.Aggregator.Tests.Orchestration;

public sealed class LearningTests
{
    private static readonly OrchestratorOptions Bounds = new();
    private static readonly TargetOptions Target = PolicyData.Target();

    private static LearnedParameters Start => LearnedParameters.From(Target);

    [Fact]
    public void Adapt_BreachAfterScaleUp_MoreHeadroomLargerFactorEarlierThreshold()
    {
        var next = Learning.Adapt(Start, ScaleAction.Up, new Outcome(6, 0.6, 0.0, 2, SloBreaches: 2, Undone: false), Target, Bounds);
        Assert.True(next.Headroom > Start.Headroom, $"headroom {next.Headroom}");
        Assert.True(next.HighFactor > Start.HighFactor, $"high factor {next.HighFactor}");
        Assert.True(next.UtilizationHigh < Start.UtilizationHigh, $"utilization high {next.UtilizationHigh}");
        Assert.Equal(1, next.Adaptations);
    }

    [Fact]
    public void Adapt_IdleAfterScaleUp_LessHeadroomSmallerFactor()
    {
        var next = Learning.Adapt(Start, ScaleAction.Up, new Outcome(6, 0.1, 0.0, 1, 0, false), Target, Bounds);
        Assert.True(next.Headroom < Start.Headroom);
        Assert.True(next.HighFactor < Start.HighFactor);
        Assert.Equal(Start.UtilizationHigh, next.UtilizationHigh);
    }

    [Fact]
    public void Adapt_ScaleDownUndoneOrStarved_ShrinksLessEagerly()
    {
        var undone = Learning.Adapt(Start, ScaleAction.Down, new Outcome(6, 0.5, 0.0, 1, 0, Undone: true), Target, Bounds);
        Assert.True(undone.UtilizationLow < Start.UtilizationLow);
        Assert.True(undone.Headroom > Start.Headroom);

        var throttled = Learning.Adapt(Start, ScaleAction.Down, new Outcome(6, 0.5, 0.3, 1, 0, false), Target, Bounds);
        Assert.True(throttled.UtilizationLow < Start.UtilizationLow);
    }

    [Fact]
    public void Adapt_ScaleDownStillIdle_ShrinksMoreEagerly()
    {
        var next = Learning.Adapt(Start, ScaleAction.Down, new Outcome(6, 0.1, 0.0, 1, 0, false), Target, Bounds);
        Assert.True(next.UtilizationLow > Start.UtilizationLow);
    }

    [Fact]
    public void Adapt_ManyOutcomes_KeepBandWideEnoughForOneScaleDown()
    {
        // Starved scale-ups lower UtilizationHigh, idle scale-downs raise UtilizationLow: unchecked they met at 0.45–0.5
        // and the target flapped. The band keeps a full 25% step from UtilizationLow landing at most at its middle.
        var learned = Start;
        for (var i = 0; i < 40; i++)
        {
            learned = Learning.Adapt(learned, ScaleAction.Up, new Outcome(6, 0.9, 0.3, 2, 1, false), Target, Bounds);
            learned = Learning.Adapt(learned, ScaleAction.Down, new Outcome(6, 0.05, 0.0, 1, 0, false), Target, Bounds);
        }

        Assert.Equal(Bounds.MinUtilizationHigh, learned.UtilizationHigh);
        var maxLow = Learning.MaxUtilizationLow(learned.UtilizationHigh, Target.DownscaleStep); // 0.5 × 0.75 / 1.25 = 0.3
        Assert.Equal(0.3, maxLow, 9);
        Assert.True(learned.UtilizationLow <= maxLow + 1e-9, $"utilization low {learned.UtilizationLow}");
        Assert.True(learned.UtilizationLow / (1 - Target.DownscaleStep) <= (learned.UtilizationLow + learned.UtilizationHigh) / 2 + 1e-9);
    }

    [Fact]
    public void Adapt_BusyButServingAfterScaleUp_IsNotStarvation()
    {
        // Sized to the demand with 20% headroom the target runs at 1 / 1.2 = 0.83 of its limit: over UtilizationHigh 0.8,
        // yet nothing throttled, no pressure, no SLO breach. That must not teach more headroom.
        var next = Learning.Adapt(Start, ScaleAction.Up, new Outcome(6, 0.83, 0.0, 0, 0, false), Target, Bounds);

        Assert.Equal(Start.Headroom, next.Headroom, 9);
        Assert.Equal(Start.HighFactor, next.HighFactor, 9);
        Assert.Equal(Start.UtilizationHigh, next.UtilizationHigh, 9);
        Assert.Equal(0, next.Adaptations);

        var saturated = Learning.Adapt(Start, ScaleAction.Up, new Outcome(6, Learning.SaturatedUtilization, 0.0, 0, 0, false), Target, Bounds);
        Assert.True(saturated.Headroom > Start.Headroom, $"headroom {saturated.Headroom}");
    }

    [Fact]
    public void Adapt_ComfortableAfterStarvedStreak_DriftsBackTowardConfiguredValues()
    {
        var learned = Start;
        for (var i = 0; i < 5; i++)
        {
            learned = Learning.Adapt(learned, ScaleAction.Up, new Outcome(6, 0.9, 0.3, 2, 1, false), Target, Bounds);
        }

        Assert.True(learned.Headroom > Target.Headroom + 0.2, $"headroom {learned.Headroom}");
        var after = learned;
        for (var i = 0; i < 200; i++)
        {
            after = Learning.Adapt(after, ScaleAction.Up, new Outcome(6, 0.6, 0.0, 0, 0, false), Target, Bounds);
        }

        Assert.Equal(Target.Headroom, after.Headroom, 9);
        Assert.Equal(Target.HighFactor, after.HighFactor, 9);
        Assert.Equal(Target.UtilizationHigh, after.UtilizationHigh, 9);
        Assert.Equal(Target.UtilizationLow, after.UtilizationLow, 9);

        // One comfortable outcome moves half a step, not all the way back.
        var once = Learning.Adapt(learned, ScaleAction.Up, new Outcome(6, 0.6, 0.0, 0, 0, false), Target, Bounds);
        Assert.Equal(learned.Headroom - (Bounds.LearningRate * (Bounds.MaxHeadroom - Bounds.MinHeadroom) / 2), once.Headroom, 9);
    }

    [Fact]
    public void Adapt_HoldOrNothingMeasured_LearnsNothing()
    {
        Assert.Equal(Start, Learning.Adapt(Start, ScaleAction.Hold, new Outcome(6, 0.1, 0, 0, 5, true), Target, Bounds));
        Assert.Equal(Start, Learning.Adapt(Start, ScaleAction.Up, new Outcome(0, null, null, null, 0, false), Target, Bounds));
    }

    [Fact]
    public void Adapt_RepeatedOutcomes_StayWithinBounds()
    {
        var starved = Start;
        var idle = Start;
        var loosened = Start;
        for (var i = 0; i < 100; i++)
        {
            starved = Learning.Adapt(starved, ScaleAction.Up, new Outcome(6, 0.95, 0.5, 50, 3, false), Target, Bounds);
            idle = Learning.Adapt(idle, ScaleAction.Up, new Outcome(6, 0.01, 0, 0, 0, false), Target, Bounds);
            loosened = Learning.Adapt(loosened, ScaleAction.Down, new Outcome(6, 0.01, 0, 0, 0, false), Target, Bounds);
        }

        Assert.Equal(Bounds.MaxHeadroom, starved.Headroom, 9);
        Assert.Equal(Bounds.MaxHighFactor, starved.HighFactor, 9);
        Assert.Equal(Bounds.MinUtilizationHigh, starved.UtilizationHigh, 9);
        Assert.Equal(Bounds.MinHeadroom, idle.Headroom, 9);
        Assert.Equal(Bounds.MinHighFactor, idle.HighFactor, 9);
        Assert.Equal(Bounds.MaxUtilizationLow, loosened.UtilizationLow, 9);
        Assert.True(loosened.UtilizationLow < loosened.UtilizationHigh);
    }

    [Fact]
    public void ObserveCapacity_ServedRate_MovesTowardRecordsPerCore()
    {
        var learned = Start; // 1000 records/s per core configured
        var cores = 0.0;
        for (var i = 0; i < 200; i++)
        {
            learned = Learning.ObserveCapacity(learned, workloadRate: 3000, coresUsed: 1.5, ref cores);
        }

        Assert.Equal(2000, learned.RecordsPerCoreSecond, 0);
        Assert.Equal(1.5, cores, 9);
        Assert.Equal(learned, Learning.ObserveCapacity(learned, 3000, 0, ref cores)); // an idle probe says nothing
        Assert.Equal(1.5, cores, 9);
    }

    [Fact]
    public void ObserveCapacity_WindowsWeighByTheirCores_RatioOfSums()
    {
        // Alternating quiet (0.05 core, 40 records/s: 800 per core on paper) and busy windows (1 core, 500/s). The
        // records per core a scale-up meets is the busy one; a mean of ratios would sit at 650.
        var learned = Start with { RecordsPerCoreSecond = 500 };
        var cores = 0.0;
        for (var i = 0; i < 400; i++)
        {
            learned = i % 2 == 0
                ? Learning.ObserveCapacity(learned, workloadRate: 40, coresUsed: 0.05, ref cores)
                : Learning.ObserveCapacity(learned, workloadRate: 500, coresUsed: 1, ref cores);
        }

        // Σ rate / Σ cores = 540 / 1.05 = 514 (up to which of the two came last).
        Assert.InRange(learned.RecordsPerCoreSecond, 505, 525);
    }

    [Fact]
    public void ObserveCapacity_StarvedWindow_IsNotLearnedFrom()
    {
        // Arrivals tapped: a throttled target's use stops at its limit (1 core) while the rate counts the whole demand
        // (3000/s), so the ratio reads 3000 where a core serves 2000. Learning it would undersize the next scale-up.
        var learned = Start with { RecordsPerCoreSecond = 2000 };
        var cores = 1.0;
        Assert.Equal(learned, Learning.ObserveCapacity(learned, workloadRate: 3000, coresUsed: 1, ref cores, starved: true));
        Assert.Equal(1.0, cores);
        Assert.True(Learning.ObserveCapacity(learned, workloadRate: 3000, coresUsed: 1, ref cores).RecordsPerCoreSecond > 2000);
    }

    [Fact]
    public void Choose_LowerRealizedError_Wins()
    {
        var scores = new ForecasterScores();
        string[] all = [ForecasterScores.Agent, ForecasterScores.Aggregator, ForecasterScores.SeasonalNaive];
        Assert.Equal(ForecasterScores.Agent, scores.Choose(all)); // no scores yet: preference

        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var actual = 1000 + random.Next(-50, 50);
            scores.Record(ForecasterScores.Agent, actual, actual * 1.3);
            scores.Record(ForecasterScores.Aggregator, actual, actual * 1.02);
            scores.Record(ForecasterScores.SeasonalNaive, actual, actual * 0.8);
        }

        Assert.Equal(ForecasterScores.Aggregator, scores.Choose(all));
        Assert.Equal(ForecasterScores.SeasonalNaive, scores.Choose([ForecasterScores.Agent, ForecasterScores.SeasonalNaive]));
        Assert.InRange(scores.Scores[ForecasterScores.Aggregator].Error, 0.0, 0.03);
    }
}
