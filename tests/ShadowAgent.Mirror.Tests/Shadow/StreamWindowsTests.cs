using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Features.Windowing;
using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Shadow;

public sealed class StreamWindowsTests
{
    [Fact]
    public async Task Close_AfterMirroredTraffic_ProfileComparesShadowAndPrimary()
    {
        await using var primary = await HttpServer.StartAsync();
        await using var shadow = await HttpServer.StartAsync();
        var stream = MirrorHarness.Options(primary.Address, shadow.Address);
        stream.KeyFields = ["path", "outcome"];
        stream.NumericFields = ["primary_latency_ms", "shadow_latency_ms", "shadow_error"];
        var windows = new StreamWindows(stream, TimeProvider.System);
        var tap = MirrorTap.Start(stream, windows, NullLoggerFactory.Instance, TimeProvider.System, 7);
        using (var client = new HttpClient { BaseAddress = new Uri($"http://{tap.LocalEndPoint}") })
        {
            for (var i = 0; i < 25; i++)
            {
                using var r = await client.GetAsync(i % 5 == 0 ? "/status/500" : $"/ok/{i}");
            }
        }

        await Eventually.Until(() => tap.Counters.ShadowAnswered == 25, "every copy answered");
        await tap.StopAsync(CancellationToken.None);
        var profiles = windows.CloseAll(partial: true);

        // Each side's latency summarizes only its own records; the shadow's error share is the mean of shadow_error.
        Assert.Equal(25, profiles.Sum(p => p.Numeric[0].Count));
        Assert.Equal(25, profiles.Sum(p => p.Numeric[1].Count));
        Assert.Equal(5, profiles.Sum(p => p.Numeric[2].Sum));
        Assert.Equal(25, profiles.Sum(p => p.Numeric[0].Missing));
        Assert.Equal(50, profiles.Sum(p => p.Volume.Parsed));
    }
}
