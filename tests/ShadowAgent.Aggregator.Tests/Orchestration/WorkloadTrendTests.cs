using ShadowAgent.Aggregator.Orchestration;

namespace ShadowAgent.Aggregator.Tests.Orchestration;

public sealed class WorkloadTrendTests
{
    private static WorkloadState Fed(params double[] rates)
    {
        var state = new WorkloadState(6);
        var scores = new ForecasterScores();
        for (var w = 0; w < rates.Length; w++)
        {
            Assert.True(state.Observe(FakeAgent.WorkloadProfile(w, rates[w]), "", scores));
        }

        return state;
    }

    [Fact]
    public void TrendProjection_SteadyRise_ProjectsAlongTheLine()
    {
        var state = Fed(100, 100, 100, 100, 150, 200, 250, 300);

        Assert.Equal(450, state.TrendProjection(3)!.Value, 6);
    }

    [Fact]
    public void TrendProjection_NoiseFlatFallingOrOneSpike_IsNull()
    {
        Assert.Null(Fed(100, 130, 90, 120, 95).TrendProjection(3));
        Assert.Null(Fed(100, 100, 100, 100, 100).TrendProjection(3));
        Assert.Null(Fed(300, 250, 200, 150, 100).TrendProjection(3));

        // One jump is a spike (the volume-spike rule's business), not a rise: slope 40 at 1.7 standard errors.
        Assert.Null(Fed(100, 100, 100, 100, 300).TrendProjection(3));
    }

    [Fact]
    public void TrendProjection_FewerThanFourWindows_IsNull()
    {
        Assert.Null(Fed(100, 200, 300).TrendProjection(3));
        Assert.NotNull(Fed(100, 200, 300, 400).TrendProjection(3));
    }
}
