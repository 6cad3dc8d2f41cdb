using System.Text;
using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Shadow;

public sealed class SamplingTests
{
    [Fact]
    public async Task Send_RandomThirty_ShareMirroredWithinFourSigma()
    {
        const int n = 1500;
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0.3);

        for (var i = 0; i < n; i++)
        {
            using var r = await h.Client.GetAsync($"/r/{i}");
        }

        var mirrored = h.Tap.Counters.Mirrored;
        var sigma = Math.Sqrt(n * 0.3 * 0.7);
        Assert.InRange(mirrored, (n * 0.3) - (4 * sigma), (n * 0.3) + (4 * sigma));
        await Eventually.Until(() => h.Shadow!.Count == mirrored, "the shadow got every copy");
        Assert.Equal(n, h.Primary.Count);
    }

    [Fact]
    public async Task Send_HashOnHeader_EachUserAlwaysOrNeverMirrored()
    {
        await using var h = await MirrorHarness.StartAsync(m =>
        {
            m.Rate = 0.4;
            m.Mode = SamplingModes.Hash;
            m.HashOn = "header:X-User";
        });
        var users = Enumerable.Range(0, 60).Select(i => $"user-{i}").ToArray();

        for (var round = 0; round < 3; round++)
        {
            foreach (var user in users)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/u?round={round}");
                request.Headers.Add("X-User", user);
                using var r = await h.Client.SendAsync(request);
            }
        }

        var expected = users.Where(u => h.Tap.SampleKey(Encoding.UTF8.GetBytes(u))).ToHashSet();
        await Eventually.Until(() => h.Shadow!.Count == expected.Count * 3, "the shadow got three copies of each sampled user");
        var seen = h.Shadow!.Received.GroupBy(r => r.Headers["X-User"]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected, seen.Keys.ToHashSet());
        Assert.All(seen.Values, c => Assert.Equal(3, c));
        Assert.InRange(expected.Count, 10, 40);
    }

    [Fact]
    public async Task Send_HashOnPath_SamePathSameDecision()
    {
        await using var h = await MirrorHarness.StartAsync(m =>
        {
            m.Rate = 0.5;
            m.Mode = SamplingModes.Hash;
            m.HashOn = "path";
        });
        var paths = Enumerable.Range(0, 40).Select(i => $"/item/{i}").ToArray();

        foreach (var path in paths.Concat(paths))
        {
            using var r = await h.Client.GetAsync(path + "?q=" + Guid.NewGuid().ToString("N"));
        }

        var expected = paths.Where(p => h.Tap.SampleKey(Encoding.UTF8.GetBytes(p))).ToArray();
        await Eventually.Until(() => h.Shadow!.Count == expected.Length * 2, "the shadow got both copies of each sampled path");
        var seen = h.Shadow!.Received.Select(r => r.Target.Split('?')[0]).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.Order(), seen.Keys.Order());
        Assert.All(seen.Values, c => Assert.Equal(2, c));
    }

    [Fact]
    public async Task SetRate_AtRunTime_ChangesTheShareAndCountsTheChange()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);
        for (var i = 0; i < 20; i++)
        {
            using var r = await h.Client.GetAsync("/before");
        }

        h.Tap.SetRate(1);
        for (var i = 0; i < 20; i++)
        {
            using var r = await h.Client.GetAsync("/after");
        }

        Assert.Equal(20, h.Tap.Counters.Mirrored);
        Assert.Equal(1, h.Tap.Counters.RateChanges);
        Assert.Equal(1, h.Tap.Rate);
        await Eventually.Until(() => h.Shadow!.Count == 20, "the shadow got the copies after the change");
        Assert.All(h.Shadow!.Received, r => Assert.Equal("/after", r.Target));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Tap.SetRate(1.5));
        Assert.Equal(1, h.Tap.Rate);
    }

    [Fact]
    public async Task Send_BodyOverTheCopyCap_PrimaryOnlyAndCounted()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.MaxBodyBytes = 1000);

        using var big = await h.Client.PostAsync("/big", new ByteArrayContent(new byte[5000]));
        using var small = await h.Client.PostAsync("/small", new ByteArrayContent(new byte[500]));

        Assert.Equal(2, h.Primary.Count);
        Assert.Equal(5000, h.Primary.Received[0].Body.Length);
        Assert.Equal(1, h.Tap.Counters.BodyTooLarge);
        await Eventually.Until(() => h.Shadow!.Count == 1, "the small copy reached the shadow");
        Assert.Equal("/small", h.Shadow!.Received[0].Target);
        Assert.Equal(500, h.Shadow.Received[0].Body.Length);
    }
}
