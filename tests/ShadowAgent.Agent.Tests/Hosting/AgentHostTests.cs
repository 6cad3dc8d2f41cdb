using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Agent.Tests.Uplink;
using ShadowAgent.Agent.Uplink;
using ShadowAgent.Core.Streams;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Tests.Hosting;

public sealed class AgentHostTests
{
    [Fact]
    public async Task StopAsync_RecordsReceived_SendsPartialWindowAndWaitsForAck()
    {
        await using var server = await FakeAggregator.StartAsync();
        server.AutoAck = true;
        var options = new AgentOptions
        {
            HostId = "host-e2e",
            HostName = "box",
            Aggregator = new AggregatorOptions { Endpoint = server.Address },
            Streams = [new StreamOptions { Name = "web", Tap = new TapOptions { Address = "127.0.0.1:0" }, NumericFields = ["latency"], Window = TimeSpan.FromHours(1) }],
            ShutdownTimeout = TimeSpan.FromSeconds(20),
        };
        using var host = AgentProgram.Build(options);
        await host.StartAsync();
        var taps = host.Services.GetServices<IHostedService>().OfType<TapService>().Single();
        var windows = host.Services.GetRequiredService<AgentStreams>().Streams[0].Windows;

        using (var client = new TcpClient())
        {
            await client.ConnectAsync((IPEndPoint)taps.EndPoints[0]);
            await Eventually.Until(() => windows.OpenConnections == 1, "the tap accepts the connection");
            await client.GetStream().WriteAsync("{\"latency\":5}\n{\"latency\":7}\nnot json\n"u8.ToArray());
        }

        await Eventually.Until(() => windows.OpenConnections == 0, "the tap sees the connection end");
        await host.StopAsync();

        Assert.Equal(0, host.Services.GetRequiredService<IProfileSpool>().Count);
        var profiles = new List<ShadowProfile>();
        while (server.Received.Reader.TryRead(out var item))
        {
            if (item.Message.BodyCase == AgentMessage.BodyOneofCase.Profiles)
            {
                profiles.AddRange(item.Message.Profiles.Profiles);
            }
        }

        Assert.Contains(profiles, p => p.Partial);
        Assert.Equal(2ul, profiles.Aggregate(0ul, (sum, p) => sum + p.Volume.Parsed));
        Assert.Equal(1ul, profiles.Aggregate(0ul, (sum, p) => sum + p.Volume.Malformed));
        Assert.Equal(1ul, profiles.Aggregate(0ul, (sum, p) => sum + p.Volume.ConnectionsAccepted));
        var latency = profiles.Single(p => p.Volume.Parsed > 0).Numeric.Single();
        Assert.Equal(("latency", 2ul, 5.0, 7.0, 6.0), (latency.Field, latency.Count, latency.Min, latency.Max, latency.Mean));
    }
}
