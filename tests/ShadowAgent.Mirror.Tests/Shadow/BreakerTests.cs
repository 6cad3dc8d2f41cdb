using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror.Shadow;
using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Shadow;

/// <summary>The shadow's circuit breaker against a real shadow that goes away, comes back, or is too slow.</summary>
public sealed class BreakerTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static async Task GetAsync(MirrorHarness h, string path)
    {
        using var r = await h.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task Breaker_ShadowDownThenBack_OpensDropsProbesAndCloses()
    {
        var clock = new ManualTimeProvider(Start);
        await using var h = await MirrorHarness.StartAsync(m => m.Breaker.Jitter = 0, shadowUp: false, time: clock);
        var shadowPort = IPEndPoint.Parse(h.Stream.Tap.Mirror.Shadow).Port;

        // Five refused copies in a row open it.
        for (var i = 0; i < 5; i++)
        {
            await GetAsync(h, $"/down/{i}");
        }

        await Eventually.Until(() => h.ShadowRecords.Count == 5, "five failed copies recorded");
        Assert.Equal("open", h.Tap.BreakerState);
        Assert.Equal(1, h.Tap.Counters.BreakerOpens);

        // Open: sampled requests are answered by the primary and not copied, each counted breaker_open.
        for (var i = 0; i < 10; i++)
        {
            await GetAsync(h, $"/open/{i}");
        }

        Assert.Equal(10, h.Tap.Counters.BreakerDrops);
        Assert.Equal(10, h.Sinks.Dropped);
        Assert.Equal(5, h.Tap.Counters.Mirrored);
        // A primary record is written after its answer went to the client.
        await Eventually.Until(() => h.PrimaryRecords.Count == 15, "every primary record");

        // After the first second one probe goes; it fails, so the breaker opens again for two seconds.
        clock.Advance(TimeSpan.FromSeconds(1));
        await GetAsync(h, "/probe/1");
        await Eventually.Until(() => h.Tap.Counters.BreakerOpens == 2, "the failed probe reopened the breaker");
        Assert.Equal(6, h.Tap.Counters.Mirrored);
        clock.Advance(TimeSpan.FromSeconds(1.5));
        await GetAsync(h, "/still-open");
        Assert.Equal(11, h.Tap.Counters.BreakerDrops);

        // The shadow comes back on its port; the next probe succeeds and closes the breaker.
        await using var shadow = await HttpServer.StartAsync(shadowPort);
        clock.Advance(TimeSpan.FromSeconds(0.5));
        await GetAsync(h, "/probe/2");
        await Eventually.Until(() => h.Tap.BreakerState == "closed", "the probe closed the breaker");
        for (var i = 0; i < 10; i++)
        {
            await GetAsync(h, $"/back/{i}");
        }

        await Eventually.Until(() => shadow.Count == 11, "the probe and every later copy reached the shadow");
        Assert.Equal(11, h.Tap.Counters.BreakerDrops);
        Assert.Equal(2, h.Tap.Counters.BreakerOpens);
    }

    [Fact]
    public async Task Breaker_ShadowSlowerThanTheTimeout_OpensAndPrimaryUnaffected()
    {
        await using var h = await MirrorHarness.StartAsync(m =>
        {
            m.ShadowTimeout = TimeSpan.FromMilliseconds(200);
            m.Breaker.OpenFor = TimeSpan.FromMinutes(5);
            m.Breaker.MaxOpenFor = TimeSpan.FromMinutes(5);
        });
        h.Shadow!.HoldAll = true;

        for (var i = 0; i < 5; i++)
        {
            await GetAsync(h, $"/slow/{i}");
        }

        await Eventually.Until(() => h.Tap.Counters.ShadowErrors == 5, "five copies timed out");
        await Eventually.Until(() => h.Tap.BreakerState == "open", "the breaker opened");
        for (var i = 0; i < 20; i++)
        {
            await GetAsync(h, $"/after/{i}");
        }

        Assert.Equal(20, h.Tap.Counters.BreakerDrops);
        Assert.Equal(25, h.Primary.Count);
        Assert.Equal(5, h.Shadow.Count);
        Assert.All(h.ShadowRecords, r => Assert.Equal(1, r.Number("shadow_error")));
        h.Shadow.Release();
    }

    [Fact]
    public async Task Breaker_InjectedErrorsOnly_StaysClosed()
    {
        const string profile = """{ "service": { "name": "a" }, "noise": { "errorRate": 1 } }""";
        await using var h = await MirrorHarness.StartAsync(profileJson: profile);

        for (var i = 0; i < 12; i++)
        {
            await GetAsync(h, $"/inj/{i}");
        }

        await Eventually.Until(() => h.ShadowRecords.Count == 12, "every copy recorded");
        Assert.Equal(12, h.Tap.Counters.ShadowErrors);
        Assert.Equal("closed", h.Tap.BreakerState);
        Assert.Equal(0, h.Tap.Counters.BreakerDrops);
    }

    [Fact]
    public async Task Breaker_RealFiveHundreds_Open()
    {
        await using var h = await MirrorHarness.StartAsync();
        h.Shadow!.Custom = async c =>
        {
            c.Response.StatusCode = 503;
            await c.Response.WriteAsync("busy");
            return true;
        };

        for (var i = 0; i < 5; i++)
        {
            await GetAsync(h, $"/ok/{i}");
        }

        await Eventually.Until(() => h.Tap.BreakerState == "open", "five real 503s opened the breaker");
    }

    [Fact]
    public void OnResult_RepeatedFailedProbes_OpenTimeDoublesToTheCapWithinTheJitter()
    {
        var clock = new ManualTimeProvider(Start);
        var options = new MirrorBreakerOptions { Failures = 3, OpenFor = TimeSpan.FromSeconds(1), MaxOpenFor = TimeSpan.FromSeconds(30), Jitter = 0.2 };
        var breaker = new ShadowBreaker(options, TimeSpan.FromSeconds(20), clock, 42, NullLogger.Instance, "s");

        breaker.OnResult(failure: true);
        breaker.OnResult(failure: false);
        breaker.OnResult(failure: true);
        breaker.OnResult(failure: true);
        Assert.Equal("closed", breaker.State);
        breaker.OnResult(failure: true);
        Assert.Equal("open", breaker.State);

        var expected = new[] { 1.0, 2, 4, 8, 16, 30, 30 };
        foreach (var seconds in expected)
        {
            var openFor = breaker.LastOpenFor.TotalSeconds;
            Assert.InRange(openFor, seconds * 0.8, seconds * 1.2);
            Assert.False(breaker.TryAdmit());
            clock.Advance(breaker.LastOpenFor - TimeSpan.FromMilliseconds(1));
            Assert.False(breaker.TryAdmit());
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(breaker.TryAdmit());
            Assert.Equal("half_open", breaker.State);
            Assert.False(breaker.TryAdmit());
            breaker.OnResult(failure: true);
        }

        // A probe that never reports is replaced after the probe timeout; its success closes the breaker.
        clock.Advance(breaker.LastOpenFor);
        Assert.True(breaker.TryAdmit());
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(breaker.TryAdmit());
        breaker.OnResult(failure: false);
        Assert.Equal("closed", breaker.State);
        Assert.True(breaker.TryAdmit());
        Assert.Equal(expected.Length + 1, breaker.Opens);
    }

    [Fact]
    public void OnResult_FailuresZero_NeverOpens()
    {
        var breaker = new ShadowBreaker(new MirrorBreakerOptions { Failures = 0 }, TimeSpan.FromSeconds(1), new ManualTimeProvider(Start), 1, NullLogger.Instance, "s");

        for (var i = 0; i < 100; i++)
        {
            breaker.OnResult(failure: true);
        }

        Assert.True(breaker.TryAdmit());
        Assert.Equal(0, breaker.Opens);
    }
}
