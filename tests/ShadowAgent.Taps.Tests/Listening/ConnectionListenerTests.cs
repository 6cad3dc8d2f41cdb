using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Taps.Listening;

namespace ShadowAgent.Taps.Tests.Listening;

public sealed class ConnectionListenerTests
{
    private static ConnectionListener<TestConnection> Listen(TestHost host, int maxConnections = 8, Func<Socket, CancellationToken, ValueTask<Socket>>? accept = null)
    {
        var socket = ListenSockets.ListenTcp("test", new IPEndPoint(IPAddress.Loopback, 0), "127.0.0.1:0");
        var listener = new ConnectionListener<TestConnection>(socket, host, maxConnections, "test", NullLogger.Instance, TimeProvider.System, accept);
        listener.Start();
        return listener;
    }

    private static async Task<Socket> ConnectAsync(ConnectionListener<TestConnection> listener)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(listener.LocalEndPoint);
        return socket;
    }

    /// <summary>Reads until the listener's side closes the connection; fails the test if it does not in time.</summary>
    private static async Task AssertClosedByListenerAsync(Socket client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[16];
        try
        {
            Assert.Equal(0, await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with data unread: a reset is a close too.
        }
    }

    [Fact]
    public async Task Start_ClientsSendAndClose_EachConnectionRunsAndIsClosedOnce()
    {
        var host = new TestHost();
        await using var listener = Listen(host);
        for (var i = 0; i < 3; i++)
        {
            using var client = await ConnectAsync(listener);
            await client.SendAsync(new byte[100 * (i + 1)], SocketFlags.None);
            client.Shutdown(SocketShutdown.Send);
        }

        await Eventually.Until(() => host.Closes.Count == 3, "three connections are closed");
        Assert.Equal(3, listener.Opened);
        Assert.Equal(0, listener.Count);
        Assert.All(host.Closes.Values, n => Assert.Equal(1, n));
        Assert.Equal(600, host.Opened.Sum(c => c.BytesRead));
        Assert.Equal(0, host.ConnectionFailures);
    }

    [Fact]
    public async Task Start_AtMaxConnections_ExtraConnectionRejectedAndClosedAtOnce()
    {
        var host = new TestHost();
        await using var listener = Listen(host, maxConnections: 1);
        using var first = await ConnectAsync(listener);
        await Eventually.Until(() => listener.Count == 1, "the first connection runs");

        using var second = await ConnectAsync(listener);
        await AssertClosedByListenerAsync(second);
        Assert.Equal(1, host.Rejections);
        Assert.Equal(1, listener.Opened);

        // The limit counts open connections: once the first ends, a new one is admitted.
        first.Shutdown(SocketShutdown.Send);
        await Eventually.Until(() => listener.Count == 0, "the first connection ends");
        using var third = await ConnectAsync(listener);
        await Eventually.Until(() => listener.Opened == 2, "the third connection is admitted");
    }

    [Fact]
    public async Task StopAsync_ConnectionsFinishWhenAsked_NoneAbortedAndEachClosedOnce()
    {
        var host = new TestHost();
        var listener = Listen(host);
        using var a = await ConnectAsync(listener);
        using var b = await ConnectAsync(listener);
        await Eventually.Until(() => listener.Count == 2, "both connections run");

        await listener.StopAsync(CancellationToken.None);

        Assert.Equal(0, listener.AbortedConnections);
        Assert.Equal(0, host.StoppedWithAborted);
        Assert.All(host.Opened, c => Assert.Equal((1, 0), (c.StopRequests, c.Aborts)));
        Assert.Equal(2, host.Closes.Count);
        Assert.All(host.Closes.Values, n => Assert.Equal(1, n));
        await AssertClosedByListenerAsync(a);
    }

    [Fact]
    public async Task StopAsync_StuckConnection_WaitsForTheDeadlineThenAbortsOnlyIt()
    {
        var host = new TestHost { StuckFrom = 1 };
        var listener = Listen(host);
        using var cooperative = await ConnectAsync(listener);
        await Eventually.Until(() => listener.Count == 1, "the cooperative connection runs");
        using var stuck = await ConnectAsync(listener);
        await Eventually.Until(() => listener.Count == 2, "the stuck connection runs");

        using var deadline = new CancellationTokenSource();
        var stop = listener.StopAsync(deadline.Token);
        await Eventually.Until(() => host.Closes.Count == 1, "the cooperative connection finishes");

        // The stuck connection ignores the request: the stop waits for the deadline, not past it.
        Assert.False(stop.IsCompleted);
        Assert.Equal(-1, host.StoppedWithAborted);
        await deadline.CancelAsync();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));

        var connections = host.Opened.ToArray();
        Assert.Equal((1, 0), (connections[0].StopRequests, connections[0].Aborts));
        Assert.Equal((1, 1), (connections[1].StopRequests, connections[1].Aborts));
        Assert.Equal(1, listener.AbortedConnections);
        Assert.Equal(1, host.StoppedWithAborted);
        Assert.All(host.Closes.Values, n => Assert.Equal(1, n));
        Assert.Equal(2, host.Closes.Count);
    }

    [Fact]
    public async Task StopAsync_CalledTwice_ReturnsTheSameStopAndStopsNoNewConnections()
    {
        var host = new TestHost();
        var listener = Listen(host);
        var endPoint = listener.LocalEndPoint;
        var first = listener.StopAsync(CancellationToken.None);
        var second = listener.StopAsync(CancellationToken.None);
        Assert.Same(first, second);
        await first;
        await listener.DisposeAsync();

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(endPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Throws<InvalidOperationException>(listener.Start);
    }

    [Fact]
    public async Task AcceptLoop_AcceptFailsWithSocketErrors_BacksOffAndKeepsAccepting()
    {
        // Running out of descriptors (EMFILE) cannot be provoked here without starving the whole test process,
        // so the first accepts fail as the kernel would report it, and the rest go to the real socket.
        var host = new TestHost();
        var attempts = 0;
        await using var listener = Listen(host, accept: (socket, token) =>
            Interlocked.Increment(ref attempts) <= 3
                ? ValueTask.FromException<Socket>(new SocketException((int)SocketError.TooManyOpenSockets))
                : socket.AcceptAsync(token));

        using var client = await ConnectAsync(listener);
        client.Shutdown(SocketShutdown.Send);

        await Eventually.Until(() => host.Closes.Count == 1, "the connection after the failed accepts is served");
        Assert.True(Volatile.Read(ref attempts) >= 4, $"accepts tried: {attempts}");
        Assert.Equal(0, host.AcceptFailures);
    }

    [Fact]
    public async Task AcceptLoop_ConnectionSetupThrows_ThatSocketClosedAndNextConnectionServed()
    {
        var host = new TestHost { FailOpens = 1 };
        await using var listener = Listen(host);
        using var failed = await ConnectAsync(listener);
        await AssertClosedByListenerAsync(failed);
        Assert.Equal(1, host.ConnectionFailures);

        using var served = await ConnectAsync(listener);
        await served.SendAsync(new byte[10], SocketFlags.None);
        served.Shutdown(SocketShutdown.Send);
        await Eventually.Until(() => host.Closes.Count == 1, "the next connection is served");
        Assert.Equal(1, listener.Opened);
        Assert.Equal(10, host.Opened.Single().BytesRead);
    }

    [Fact]
    public async Task AcceptLoop_NonSocketError_ReportedOnceAndStopStillCompletes()
    {
        var host = new TestHost();
        var listener = Listen(host, accept: (_, _) => ValueTask.FromException<Socket>(new InvalidOperationException("not listening")));
        await Eventually.Until(() => host.AcceptFailures == 1, "the accept failure is reported");

        await listener.StopAsync(CancellationToken.None);
        Assert.Equal(1, host.AcceptFailures);
        Assert.Equal(0, host.StoppedWithAborted);
    }

    [Fact]
    public async Task RunAsync_ConnectionThrows_ReportedAndClosedOnce()
    {
        var host = new TestHost { ThrowAtEnd = true };
        await using var listener = Listen(host);
        using (var client = await ConnectAsync(listener))
        {
            client.Shutdown(SocketShutdown.Send);
            await Eventually.Until(() => host.Closes.Count == 1, "the failed connection is closed");
        }

        Assert.Equal(1, host.ConnectionFailures);
        Assert.Equal(1, host.Closes.Values.Single());
        Assert.Equal(0, listener.Count);
    }
}
