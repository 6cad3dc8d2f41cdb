using ShadowAgent.Agent.Uplink;

namespace ShadowAgent.Agent.Tests.Uplink;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Next_RepeatedFailures_GrowsWithinBoundsAndResets()
    {
        var min = TimeSpan.FromMilliseconds(200);
        var max = TimeSpan.FromSeconds(30);
        var backoff = new ReconnectBackoff(min, max, new Random(7));

        var delays = Enumerable.Range(0, 40).Select(_ => backoff.Next()).ToList();

        Assert.All(delays, d => Assert.InRange(d, min, max));
        Assert.True(delays[0] <= TimeSpan.FromMilliseconds(200));
        Assert.True(delays[^1] >= TimeSpan.FromSeconds(15));
        backoff.Reset();
        Assert.True(backoff.Next() <= TimeSpan.FromMilliseconds(200));
    }
}
