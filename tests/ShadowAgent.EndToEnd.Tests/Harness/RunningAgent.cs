using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ShadowAgent.Agent;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.EndToEnd.Tests.Harness;

/// <summary>The agent's real host (taps, windows, uplink) in the test process.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private RunningAgent(IHost host)
    {
        Host = host;
        Tap = host.Services.GetServices<IHostedService>().OfType<TapService>().Single().EndPoints[0];
    }

    public IHost Host { get; }

    public EndPoint Tap { get; }

    public static AgentOptions Options(string hostId, Uri aggregator, string stream, TimeSpan window) => new()
    {
        HostId = hostId,
        HostName = hostId,
        Aggregator = new AggregatorOptions
        {
            Endpoint = aggregator.ToString().TrimEnd('/'),
            ReconnectMin = TimeSpan.FromMilliseconds(50),
            ReconnectMax = TimeSpan.FromMilliseconds(500),
        },
        Streams =
        [
            new StreamOptions
            {
                Name = stream,
                Tap = new TapOptions { Kind = TapKinds.Tcp, Address = "127.0.0.1:0", MaxLineBytes = 1024 },
                KeyFields = ["user.id", "route"],
                NumericFields = ["latency_ms"],
                Window = window,
            },
        ],
        ShutdownTimeout = TimeSpan.FromSeconds(20),
    };

    public static async Task<RunningAgent> StartAsync(AgentOptions options)
    {
        var host = AgentProgram.Build(options);
        await host.StartAsync();
        return new RunningAgent(host);
    }

    /// <summary>
    /// Waits until the tap has accepted <paramref name="count"/> connections: a producer's connect completes in the
    /// kernel's backlog before the tap accepts it, and a stop that comes first closes the listener on it unaccepted.
    /// </summary>
    public Task WaitForConnectionsAsync(long count) => ShadowAgent.Testing.Eventually.Until(
        () => Host.Services.GetServices<IHostedService>().OfType<TapService>().Single().Taps.OfType<ShadowAgent.Taps.Sockets.SocketTap>().Sum(t => t.ConnectionsOpened) >= count,
        $"the agent's tap accepted {count} connections");

    /// <summary>A graceful stop: taps drain, the current window closes early and the uplink waits for its ack.</summary>
    public Task StopAsync() => Host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
