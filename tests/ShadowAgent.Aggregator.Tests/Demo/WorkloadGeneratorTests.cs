using System.Net;
using System.Net.Sockets;
using ShadowAgent.Aggregator.Demo;

namespace ShadowAgent.Aggregator.Tests.Demo;

/// <summary>The demo's workload against a tap that goes away: a demo error naming the tap, not a crash.</summary>
public sealed class WorkloadGeneratorTests
{
    [Fact]
    public async Task RunAsync_TapClosesTheConnection_DemoErrorNamingTheTapAndTheRecordsSent()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var generator = new WorkloadGenerator(new WorkloadOptions { PeakRate = 20_000 });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = generator.RunAsync(listener.LocalEndPoint!, timeout.Token);

        // The tap reads a little, then resets the connection (as an agent that dies does).
        using (var accepted = await listener.AcceptAsync(timeout.Token))
        {
            var buffer = new byte[4096];
            await accepted.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            accepted.LingerState = new LingerOption(true, 0);
        }

        var error = await Assert.ThrowsAsync<DemoException>(() => run);
        Assert.Contains($"the agent's tap {listener.LocalEndPoint} closed the workload's connection after", error.Message, StringComparison.Ordinal);
        Assert.False(timeout.IsCancellationRequested);
        Assert.True(generator.RecordsSent > 0);
    }

    [Fact]
    public async Task RunAsync_NothingListens_DemoErrorNamingTheTap()
    {
        // Below the ephemeral range: the connect cannot be handed the same port as its source and connect to itself.
        var closed = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var generator = new WorkloadGenerator(new WorkloadOptions());

        var error = await Assert.ThrowsAsync<DemoException>(() => generator.RunAsync(closed, CancellationToken.None));

        Assert.Contains($"the workload could not connect to the agent's tap {closed}", error.Message, StringComparison.Ordinal);
    }
}
