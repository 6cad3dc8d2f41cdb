using ShadowAgent.ClosedLoop.Accounting;
using ShadowAgent.ClosedLoop.Cgroups;

namespace ShadowAgent.ClosedLoop.Tests;

public sealed class SloAccountingTests
{
    private static CgroupSample S(double t, double? limit, double throttledS = 0, double usedS = 0) =>
        new(t, limit, (ulong)(throttledS * 1e9), (ulong)(usedS * 1e9), 0, 0);

    [Fact]
    public void P99_HundredValues_NearestRankIsTheNinetyNinth()
    {
        var values = Enumerable.Range(1, 100).Select(i => (float)i).Reverse().ToArray();

        Assert.Equal(99, SloAccounting.P99(values));
        Assert.Equal(7, SloAccounting.P99([7]));
        Assert.Null(SloAccounting.P99([]));
    }

    [Fact]
    public void P99_FewValues_IsTheMaximum()
    {
        // Under 100 values the 99th percentile's rank is the last one: one slow request in a quiet second counts.
        Assert.Equal(80, SloAccounting.P99([1, 2, 80, 3]));
    }

    [Fact]
    public void CoreSeconds_StepFunction_EachLimitHoldsUntilTheNextSample()
    {
        var samples = new[] { S(0, 1), S(2, 0.5), S(3, null), S(4, 0.25) };

        // [0,2) at 1, [2,3) at 0.5, [3,4) unlimited = 2 host cores, [4,6) at 0.25.
        Assert.Equal(2 + 0.5 + 2 + 0.5, SloAccounting.CoreSeconds(samples, 0, 6, hostCores: 2), 9);
        Assert.Equal(0.5 + 0.5 + 1, SloAccounting.CoreSeconds(samples, 1.5, 3.5, hostCores: 2), 9);
        Assert.Equal(0, SloAccounting.CoreSeconds([], 0, 10, 2));
    }

    [Fact]
    public void CoreSeconds_RangeInsideOneInterval_Prorated()
    {
        Assert.Equal(0.3, SloAccounting.CoreSeconds([S(0, 1), S(10, 1)], 4.2, 4.5, 2), 9);
    }

    [Fact]
    public void ThrottledPerSecond_IntervalAcrossSeconds_SpreadByOverlap()
    {
        // 0.4 s of throttling between t=0.5 and t=1.5: 0.2 s lands in second 0 and 0.2 s in second 1.
        var samples = new[] { S(0.5, 1, throttledS: 0), S(1.5, 1, throttledS: 0.4), S(2.5, 1, throttledS: 0.4) };

        var perSecond = SloAccounting.ThrottledPerSecond(samples, 0, 3);

        Assert.Equal([0.2, 0.2, 0], perSecond.Select(v => Math.Round(v, 9)));
    }

    [Fact]
    public void Judge_EachCause_MarksItsSecond()
    {
        var latencies = new Dictionary<int, float[]>
        {
            [10] = [1, 2, 3],
            [11] = [1, 2, 60],
            [12] = [1],
            [13] = [1],
            [14] = [],
        };
        var failed = new Dictionary<int, int> { [12] = 1 };
        // 0.15 s throttled inside second 13.
        var samples = new[] { S(10, 1), S(13, 1), S(14, 1, throttledS: 0.15), S(15, 1, throttledS: 0.15) };

        var verdicts = SloAccounting.Judge(s => latencies[s], s => failed.GetValueOrDefault(s), samples, 10, 15, sloMs: 50, throttleSecondsPerSecond: 0.1);

        Assert.Equal([false, true, true, true, false], verdicts.Select(v => v.Violated));
        Assert.True(verdicts[1].LatencyBreach);
        Assert.True(verdicts[2].FailureBreach);
        Assert.Equal(2, verdicts[2].Requests);
        Assert.True(verdicts[3].ThrottleBreach);
        Assert.False(verdicts[3].LatencyBreach);
        Assert.Null(verdicts[4].P99Ms);
    }

    [Fact]
    public void Judge_LatencyEqualToTarget_IsNotABreach()
    {
        var verdicts = SloAccounting.Judge(_ => [50], _ => 0, [], 0, 1, sloMs: 50, throttleSecondsPerSecond: 0.1);

        Assert.False(verdicts[0].Violated);
    }

    [Fact]
    public void LimitChanges_AndFirstIncrease_FromConsecutiveSamples()
    {
        var samples = new[] { S(0, 1), S(1, 1), S(2, 0.5), S(3, 0.5), S(4, 1.5), S(5, null), S(6, 2) };

        Assert.Equal(3, SloAccounting.LimitChanges(samples, 0, 10, hostCores: 2));
        Assert.Equal(4, SloAccounting.FirstIncrease(samples, 0, 10, hostCores: 2));
        Assert.Equal(4, SloAccounting.FirstIncrease(samples, 3, 10, hostCores: 2));
        // Unlimited after 1.5 cores is an increase to the host's 2 cores; 2 after unlimited is no change.
        Assert.Equal(5, SloAccounting.FirstIncrease(samples, 5, 10, hostCores: 2));
        Assert.Null(SloAccounting.FirstIncrease(samples, 5.5, 10, hostCores: 2));
        Assert.Equal(1, SloAccounting.LimitChanges(samples, 1.5, 3.5, hostCores: 2));
    }

    [Fact]
    public void UsedCoreSeconds_FromTheUsageCounter()
    {
        var samples = new[] { S(0, 1, usedS: 0), S(1, 1, usedS: 0.5), S(2, 1, usedS: 1.5) };

        Assert.Equal(1.5, SloAccounting.UsedCoreSeconds(samples, 0, 2), 9);
        Assert.Equal(0.25 + 0.5, SloAccounting.UsedCoreSeconds(samples, 0.5, 1.5), 9);
    }
}
