using ShadowAgent.ClosedLoop.Run;

namespace ShadowAgent.ClosedLoop.Tests;

public sealed class ReportTests
{
    private static PolicyResult R(string policy, int violations, double coreSeconds, double? firstUp = null) =>
        new() { Policy = policy, ViolationSeconds = violations, CoreSecondsProvisioned = coreSeconds, FirstScaleUpVsRamp = firstUp };

    [Fact]
    public void Compare_PredictiveHalvesViolationsForLessCpu_MeetsBothTargets()
    {
        var c = Report.Compare([R("static", 4, 200), R("reactive", 10, 90, firstUp: 3), R("predictive", 4, 85, firstUp: -1.5)])!;

        Assert.Equal(0.6, c.ViolationReductionVsReactive);
        Assert.Equal(0.944, c.CoreSecondsRatioVsReactive);
        Assert.Equal(0.575, c.CoreSecondsReductionVsStatic);
        Assert.Equal(0, c.ViolationDifferenceVsStatic);
        Assert.Equal(4.5, c.PredictiveLeadSeconds);
        Assert.True(c.MeetsReactiveTarget);
        Assert.True(c.MeetsStaticTarget);
    }

    [Fact]
    public void Compare_MoreCpuThanReactiveOrMoreViolationsThanStatic_NotMet()
    {
        var c = Report.Compare([R("static", 2, 200), R("reactive", 10, 80), R("predictive", 3, 81)])!;

        Assert.False(c.MeetsReactiveTarget);
        Assert.False(c.MeetsStaticTarget);
        Assert.Null(c.PredictiveLeadSeconds);
    }

    [Fact]
    public void Compare_ReactiveWithoutViolations_ReductionUndefinedTargetNeedsZero()
    {
        var c = Report.Compare([R("reactive", 0, 80), R("predictive", 0, 70)])!;

        Assert.Null(c.ViolationReductionVsReactive);
        Assert.True(c.MeetsReactiveTarget);
        Assert.Null(c.MeetsStaticTarget);
    }

    [Fact]
    public void Compare_WithoutPredictive_Null()
    {
        Assert.Null(Report.Compare([R("static", 1, 100), R("reactive", 3, 60)]));
    }
}
