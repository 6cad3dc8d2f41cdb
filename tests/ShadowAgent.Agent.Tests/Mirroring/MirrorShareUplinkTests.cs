using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Agent.Mirroring;
using ShadowAgent.Agent.Tests.Uplink;
using ShadowAgent.Core.Streams;
using ShadowAgent.Protocol.V1;
using Kind = ShadowAgent.Protocol.V1.AgentMessage.BodyOneofCase;

namespace ShadowAgent.Agent.Tests.Mirroring;

/// <summary>MirrorShareUpdate over the real uplink of a real agent host with a running http-mirror tap.</summary>
public sealed class MirrorShareUplinkTests
{
    [Fact]
    public async Task MirrorShareUpdate_OverTheUplink_AppliedOnceUnknownAndBadRejected()
    {
        await using var aggregator = await FakeAggregator.StartAsync();
        aggregator.AutoAck = true;
        using var primary = new TcpListener(IPAddress.Loopback, 0);
        primary.Start();
        var stream = new StreamOptions
        {
            Name = "checkout-mirror",
            Tap = new TapOptions { Kind = TapKinds.HttpMirror, Address = "127.0.0.1:0" },
            KeyFields = ["path"],
            NumericFields = ["primary_latency_ms"],
            Window = TimeSpan.FromHours(1),
        };
        stream.Tap.Mirror.Primary = primary.LocalEndpoint.ToString()!;
        stream.Tap.Mirror.Shadow = primary.LocalEndpoint.ToString()!;
        stream.Tap.Mirror.Rate = 0.1;
        var options = new AgentOptions
        {
            HostId = "host-share",
            Aggregator = new AggregatorOptions { Endpoint = aggregator.Address, HeartbeatInterval = TimeSpan.FromMinutes(5) },
            Streams = [stream],
        };
        using var host = AgentProgram.Build(options);
        var taps = host.Services.GetRequiredService<TapService>();
        taps.Bind();
        await host.StartAsync();
        var mirror = Assert.Single(taps.Mirrors);

        var (_, hello) = await aggregator.NextOfAsync(Kind.Hello);
        Assert.Contains(MirrorShareHandler.Capability, hello.Hello.Capabilities);

        aggregator.Send(new() { MirrorShare = new MirrorShareUpdate { CommandId = "c1", Stream = "checkout-mirror", Share = 0.4, Reason = "useful" } });
        var first = (await aggregator.NextOfAsync(Kind.MirrorShareResult)).Message.MirrorShareResult;
        Assert.Equal(("c1", true, 0.4, ""), (first.CommandId, first.Applied, first.ShareInForce, first.Message));
        Assert.Equal(0.4, mirror.Rate);

        // A later command, then c1 resent (as after a reconnect): the recorded answer, and 0.4 is not applied again.
        aggregator.Send(new() { MirrorShare = new MirrorShareUpdate { CommandId = "c2", Stream = "checkout-mirror", Share = 0.2 } });
        Assert.True((await aggregator.NextOfAsync(Kind.MirrorShareResult)).Message.MirrorShareResult.Applied);
        aggregator.Send(new() { MirrorShare = new MirrorShareUpdate { CommandId = "c1", Stream = "checkout-mirror", Share = 0.4 } });
        var resent = (await aggregator.NextOfAsync(Kind.MirrorShareResult)).Message.MirrorShareResult;
        Assert.Equal(("c1", true, 0.4), (resent.CommandId, resent.Applied, resent.ShareInForce));
        Assert.Equal(0.2, mirror.Rate);
        Assert.Equal(2, mirror.Counters.RateChanges);

        aggregator.Send(new() { MirrorShare = new MirrorShareUpdate { CommandId = "c3", Stream = "nope", Share = 0.5 } });
        var unknown = (await aggregator.NextOfAsync(Kind.MirrorShareResult)).Message.MirrorShareResult;
        Assert.False(unknown.Applied);
        Assert.Contains("no http-mirror stream named 'nope'", unknown.Message, StringComparison.Ordinal);

        aggregator.Send(new() { MirrorShare = new MirrorShareUpdate { CommandId = "c4", Stream = "checkout-mirror", Share = 1.5 } });
        var bad = (await aggregator.NextOfAsync(Kind.MirrorShareResult)).Message.MirrorShareResult;
        Assert.Equal((false, 0.2), (bad.Applied, bad.ShareInForce));
        Assert.Contains("outside [0, 1]", bad.Message, StringComparison.Ordinal);
        Assert.Equal(0.2, mirror.Rate);

        await host.StopAsync();
    }

    [Fact]
    public void Apply_NoMirrors_NotAppliedWithTheReason()
    {
        var handler = new MirrorShareHandler(() => [], NullLogger.Instance);

        var result = handler.Apply(new MirrorShareUpdate { CommandId = "x", Stream = "web", Share = 0.3 });

        Assert.Equal((false, 0.0, "web"), (result.Applied, result.ShareInForce, result.Stream));
        Assert.Equal("no http-mirror stream named 'web' on this agent", result.Message);
    }
}
