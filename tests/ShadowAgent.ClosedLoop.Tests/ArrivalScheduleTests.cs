using ShadowAgent.ClosedLoop.Trace;

namespace ShadowAgent.ClosedLoop.Tests;

public sealed class ArrivalScheduleTests
{
    private static LoadTrace Flat(int days, double cores) =>
        new(new TraceSpec { WarmupDays = days - 1, DaySeconds = 20, RampRise = 0, RampHold = 0, RampFall = 0 }, Enumerable.Repeat(cores, days * 200).ToArray(), 1, 0);

    [Fact]
    public void For_ConstantDemand_PoissonCountWithinFourSigma()
    {
        // 0.5 cores × 400 requests per core-second × 60 s = 12,000 expected; σ = √12000 ≈ 110.
        var arrivals = ArrivalSchedule.For(Flat(3, 0.5), 0, 400, seed: 7);

        Assert.InRange(arrivals.Length, 12_000 - 440, 12_000 + 440);
        Assert.True(arrivals.Zip(arrivals.Skip(1)).All(p => p.First <= p.Second), "arrival times ascend");
        Assert.InRange(arrivals[0], 0, 60);
        Assert.InRange(arrivals[^1], 0, 60);
    }

    [Fact]
    public void For_MeasuredDay_SameArrivalsWithOrWithoutWarmup()
    {
        var trace = Flat(3, 0.3);

        var all = ArrivalSchedule.For(trace, 0, 300, seed: 1);
        var measured = ArrivalSchedule.For(trace, 2, 300, seed: 1);

        var lastDay = all.Where(t => t >= 40).Select(t => t - 40).ToArray();
        Assert.Equal(measured.Length, lastDay.Length);
        for (var i = 0; i < measured.Length; i++)
        {
            Assert.Equal(measured[i], lastDay[i], 9);
        }
    }

    [Fact]
    public void For_ZeroDemand_NoArrivals()
    {
        Assert.Empty(ArrivalSchedule.For(Flat(1, 0), 0, 500, seed: 3));
    }

    [Fact]
    public void For_OtherSeed_OtherArrivals()
    {
        var trace = Flat(1, 0.2);

        Assert.NotEqual(ArrivalSchedule.For(trace, 0, 100, 1), ArrivalSchedule.For(trace, 0, 100, 2));
    }
}
