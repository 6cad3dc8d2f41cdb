using ShadowAgent.Agent.Uplink;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Tests.Uplink;

public sealed class ProfileSpoolTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);

    [Fact]
    public void Append_Full_DropsOldestAndCounts()
    {
        var spool = new ProfileSpool(capacity: 2);

        spool.Append([new ShadowProfile { Stream = "a" }], T0, out var d1);
        spool.Append([new ShadowProfile { Stream = "b" }], T0.AddSeconds(1), out var d2);
        spool.Append([new ShadowProfile { Stream = "c" }], T0.AddSeconds(2), out var d3);

        Assert.Equal([0, 0, 1], new[] { d1, d2, d3 });
        Assert.Equal(1, spool.DroppedTotal);
        Assert.Equal(2, spool.Count);
        Assert.Equal([2ul, 3ul], spool.After(0).Select(b => b.Sequence));
        Assert.Equal("b", spool.After(0)[0].Batch.Profiles[0].Stream);
        Assert.Equal(T0.AddSeconds(1), spool.OldestAppendedAt);
    }

    [Fact]
    public void TrimThrough_Cumulative_RemovesUpToSequence()
    {
        var spool = new ProfileSpool(capacity: 10);
        for (var i = 0; i < 5; i++)
        {
            spool.Append([], T0, out _);
        }

        Assert.Equal(3, spool.TrimThrough(3));
        Assert.Equal(0, spool.TrimThrough(2));
        Assert.Equal([4ul, 5ul], spool.After(0).Select(b => b.Sequence));
        Assert.Equal([5ul], spool.After(4).Select(b => b.Sequence));
        Assert.Equal(5ul, spool.LastSequence);
    }

    [Fact]
    public void Append_OverMaxBytes_DropsOldestUntilItFits()
    {
        var big = new ShadowProfile { Stream = new string('x', 600) };
        var spool = new ProfileSpool(capacity: 100, maxBytes: 1500);
        for (var i = 0; i < 5; i++)
        {
            spool.Append([big], T0, out _);
        }

        Assert.Equal(2, spool.Count);
        Assert.Equal(3, spool.DroppedTotal);
        Assert.Equal([4ul, 5ul], spool.After(0).Select(b => b.Sequence));
    }
}
