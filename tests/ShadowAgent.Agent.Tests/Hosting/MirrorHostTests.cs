using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Agent.Tests.Uplink;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Agent.Tests.Hosting;

public sealed class MirrorHostTests
{
    [Fact]
    public async Task Start_HttpMirrorStream_ProxiesToThePrimaryAndExposesTheShareControl()
    {
        await using var aggregator = await FakeAggregator.StartAsync();
        aggregator.AutoAck = true;
        using var primary = new TcpListener(IPAddress.Loopback, 0);
        primary.Start();
        var serving = ServeOnceAsync(primary);
        var stream = new StreamOptions
        {
            Name = "checkout-mirror",
            Tap = new TapOptions { Kind = TapKinds.HttpMirror, Address = "127.0.0.1:0" },
            KeyFields = ["path", "outcome"],
            NumericFields = ["primary_latency_ms"],
            Window = TimeSpan.FromHours(1),
        };
        stream.Tap.Mirror.Primary = primary.LocalEndpoint.ToString()!;
        stream.Tap.Mirror.Shadow = primary.LocalEndpoint.ToString()!;
        stream.Tap.Mirror.Rate = 0;
        var options = new AgentOptions
        {
            HostId = "host-mirror",
            Aggregator = new AggregatorOptions { Endpoint = aggregator.Address },
            Streams = [stream],
        };
        using var host = AgentProgram.Build(options);
        await host.StartAsync();
        var taps = host.Services.GetServices<IHostedService>().OfType<TapService>().Single();
        var mirror = Assert.Single(taps.Mirrors);

        using (var client = new HttpClient { BaseAddress = new Uri($"http://{taps.Taps[0].Source}") })
        {
            Assert.Equal("ok", await client.GetStringAsync("/health"));
        }

        Assert.Equal("GET /health HTTP/1.1", await serving);
        Assert.Equal(1, mirror.Counters.Requests);
        mirror.SetRate(0.5);
        Assert.Equal(0.5, mirror.Rate);
        Assert.Equal(1, mirror.Counters.RateChanges);
        await host.StopAsync();
    }

    /// <summary>A primary that answers one request with "ok" and returns its request line.</summary>
    private static async Task<string> ServeOnceAsync(TcpListener listener)
    {
        using var socket = await listener.AcceptSocketAsync();
        var buffer = new byte[4096];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer);
            if (n == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
        return received.ToString().Split("\r\n")[0];
    }
}
