using System.Net;
using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Shadow;

public sealed class ShadowPathTests
{
    private const string AmplifyProfile = """
        {
          "service": { "name": "checkout", "version": "2.4.1-canary" },
          "resources": { "cpu": 0.25, "memory": 0.5, "replicas": 1 },
          "routes": [ "/api/checkout", "/api/search" ],
          "scenarios": [
            { "name": "steady", "amplification": 1 },
            { "name": "peak", "amplification": 3, "mix": { "/api/search": 0 } }
          ]
        }
        """;

    [Fact]
    public async Task Send_PeakScenario_ShadowSeesThreeCopiesAndTheMixLeavesSearchOut()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Scenario = "peak", AmplifyProfile);

        for (var i = 0; i < 40; i++)
        {
            using var r = await h.Client.PostAsync($"/api/checkout/{i}", new StringContent("{}"));
            using var s = await h.Client.GetAsync($"/api/search?q={i}");
        }

        await Eventually.Until(() => h.Tap.Counters.ShadowAnswered == 120, "120 copies answered");
        Assert.Equal(80, h.Primary.Count);
        var received = h.Shadow!.Received;
        Assert.Equal(120, received.Count);
        Assert.All(received, r => Assert.StartsWith("/api/checkout/", r.Target, StringComparison.Ordinal));
        Assert.Equal([40, 40, 40], received.GroupBy(r => r.Headers["X-Shadow-Copy"]).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal("peak", h.Tap.Scenario);
        var shadowRecords = h.ShadowRecords;
        Assert.Equal(120, shadowRecords.Count);
        Assert.All(shadowRecords, r => Assert.Equal("/api/checkout", r.Keys["route"]));
        Assert.All(shadowRecords, r => Assert.Equal("peak", r.Keys["scenario"]));
    }

    [Fact]
    public async Task Send_NoiseProfile_DelayAndErrorShareMatchTheParameters()
    {
        const int n = 400;
        const string profile = """
            { "service": { "name": "checkout" }, "noise": { "delayMeanMs": 20, "delayStdDevMs": 5, "errorRate": 0.2 } }
            """;
        await using var h = await MirrorHarness.StartAsync(m => m.MaxConcurrency = 256, profile);

        for (var i = 0; i < n; i++)
        {
            using var r = await h.Client.GetAsync($"/n/{i}");
        }

        await Eventually.Until(() => h.ShadowRecords.Count == n, "every copy recorded");
        var records = h.ShadowRecords;
        var delays = records.Select(r => r.Number("shadow_injected_delay_ms")).ToArray();
        var mean = delays.Average();
        var sd = Math.Sqrt(delays.Select(d => (d - mean) * (d - mean)).Sum() / (n - 1));
        Assert.InRange(mean, 20 - (4 * 5 / Math.Sqrt(n)), 20 + (4 * 5 / Math.Sqrt(n)));
        Assert.InRange(sd, 4, 6);
        var injected = records.Count(r => r.Number("shadow_injected_error") == 1);
        var sigma = Math.Sqrt(n * 0.2 * 0.8);
        Assert.InRange(injected, (n * 0.2) - (4 * sigma), (n * 0.2) + (4 * sigma));
        Assert.All(records.Where(r => r.Number("shadow_injected_error") == 1), r =>
        {
            Assert.Equal("503", r.Keys["status"]);
            Assert.Equal(1, r.Number("shadow_error"));
        });
        Assert.True(records.Average(r => r.Number("shadow_latency_ms")) >= mean);
        Assert.Equal(injected, h.Tap.Counters.ShadowErrors);
        Assert.All(h.PrimaryRecords, r => Assert.Equal(0, r.Number("primary_error")));
    }

    [Fact]
    public async Task Send_ShadowHangs_PrimaryAnswersEverythingAndFullQueueDropsAreCounted()
    {
        await using var h = await MirrorHarness.StartAsync(m =>
        {
            m.QueueCapacity = 4;
            m.MaxConcurrency = 2;
        });
        h.Shadow!.HoldAll = true;

        for (var i = 0; i < 60; i++)
        {
            using var r = await h.Client.GetAsync($"/p/{i}");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        // Every primary answer came while the shadow had answered nothing.
        Assert.Equal(60, h.Primary.Count);
        Assert.Equal(0, h.Tap.Counters.ShadowAnswered);
        var c = h.Tap.Counters;
        Assert.Equal(60, c.Mirrored + c.QueueDrops);
        Assert.InRange(c.QueueDrops, 60 - 4 - 2 - 1, 60 - 4);
        Assert.Equal(c.QueueDrops, h.Sinks.Dropped);
        // A primary record is written after its answer went to the client.
        await Eventually.Until(() => h.PrimaryRecords.Count == 60, "every primary record");

        h.Shadow.Release();
        await Eventually.Until(() => h.Tap.Counters.ShadowAnswered == c.Mirrored, "the held copies were answered");
    }

    [Fact]
    public async Task Send_ShadowDown_PrimaryUnaffectedAndShadowErrorsRecorded()
    {
        // The breaker is off here: every copy is tried (BreakerTests cover it on).
        await using var h = await MirrorHarness.StartAsync(m => m.Breaker.Failures = 0, shadowUp: false);

        for (var i = 0; i < 30; i++)
        {
            using var r = await h.Client.GetAsync($"/d/{i}");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await Eventually.Until(() => h.ShadowRecords.Count == 30, "every failed copy recorded");
        Assert.Equal(30, h.Tap.Counters.ShadowErrors);
        Assert.Equal(0, h.Tap.Counters.ShadowAnswered);
        Assert.All(h.ShadowRecords, r =>
        {
            Assert.Equal("error", r.Keys["status_class"]);
            Assert.Equal("shadow error", r.Keys["outcome"]);
            Assert.Equal(1, r.Number("shadow_error"));
        });
        await Eventually.Until(() => h.PrimaryRecords.Count == 30, "every primary record");
        Assert.All(h.PrimaryRecords, r => Assert.Equal("primary 2xx", r.Keys["outcome"]));
    }

    [Fact]
    public async Task Send_Mirrored_RecordsCarryBothSidesForComparison()
    {
        await using var h = await MirrorHarness.StartAsync();

        using (var r = await h.Client.GetAsync("/status/404"))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        await Eventually.Until(() => h.ShadowRecords.Count == 1 && h.PrimaryRecords.Count == 1, "both records");
        var primary = Assert.Single(h.PrimaryRecords);
        var shadow = Assert.Single(h.ShadowRecords);
        Assert.Equal("primary", primary.Keys["path"]);
        Assert.Equal("/status/404", primary.Keys["route"]);
        Assert.Equal("GET", primary.Keys["method"]);
        Assert.Equal("404", primary.Keys["status"]);
        Assert.Equal("4xx", primary.Keys["status_class"]);
        Assert.False(primary.Keys.ContainsKey("scenario"));
        Assert.True(primary.Number("primary_latency_ms") > 0);
        Assert.True(double.IsNaN(primary.Number("shadow_latency_ms")));
        // The body as framed on the wire: Kestrel chunks "status" as 6\r\nstatus\r\n0\r\n\r\n.
        Assert.Equal(16, primary.Number("response_bytes"));
        Assert.Equal("shadow 4xx", shadow.Keys["outcome"]);
        Assert.True(shadow.Number("shadow_latency_ms") > 0);
        Assert.True(double.IsNaN(shadow.Number("primary_latency_ms")));
        Assert.Equal(0, shadow.Number("shadow_error"));
        Assert.Equal(0, shadow.Number("shadow_injected_error"));
    }

    [Fact]
    public async Task Stop_WithCopiesInFlight_EverySinkClosedOnce()
    {
        var h = await MirrorHarness.StartAsync();
        for (var i = 0; i < 10; i++)
        {
            using var r = await h.Client.GetAsync($"/s/{i}");
        }

        await h.Tap.StopAsync(CancellationToken.None);

        Assert.Equal(h.Sinks.Opened, h.Sinks.Closed);
        await h.DisposeAsync();
    }
}
