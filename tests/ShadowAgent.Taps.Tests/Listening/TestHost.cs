using System.Collections.Concurrent;
using System.Net.Sockets;
using ShadowAgent.Taps.Listening;

namespace ShadowAgent.Taps.Tests.Listening;

/// <summary>Counts what a <see cref="ConnectionListener{TConnection}"/> asks of its tap.</summary>
internal sealed class TestHost : IConnectionHost<TestConnection>
{
    private int _rejected;
    private int _connectionFailures;
    private int _acceptFailures;
    private int _opens;

    /// <summary>How many <see cref="Open"/> calls throw, from the first.</summary>
    public int FailOpens { get; init; }

    /// <summary>Connections from this many on (0-based, in accept order) ignore the stop request.</summary>
    public int StuckFrom { get; init; } = int.MaxValue;

    public bool ThrowAtEnd { get; init; }

    public ConcurrentQueue<TestConnection> Opened { get; } = new();

    public ConcurrentDictionary<TestConnection, int> Closes { get; } = new();

    public int Rejections => Volatile.Read(ref _rejected);

    public int ConnectionFailures => Volatile.Read(ref _connectionFailures);

    public int AcceptFailures => Volatile.Read(ref _acceptFailures);

    /// <summary>The aborted count the stop reported, or -1 before the stop ran.</summary>
    public int StoppedWithAborted { get; private set; } = -1;

    public TestConnection Open(Socket socket)
    {
        var index = Interlocked.Increment(ref _opens) - 1;
        if (index < FailOpens)
        {
            throw new InvalidOperationException("no sink for this connection");
        }

        var connection = new TestConnection(socket, stuck: index - FailOpens >= StuckFrom, ThrowAtEnd);
        Opened.Enqueue(connection);
        return connection;
    }

    public void Closed(TestConnection connection) => Closes.AddOrUpdate(connection, 1, (_, n) => n + 1);

    public void Rejected(int maxConnections) => Interlocked.Increment(ref _rejected);

    public void ConnectionFailed(Exception exception) => Interlocked.Increment(ref _connectionFailures);

    public void AcceptFailed(Exception exception) => Interlocked.Increment(ref _acceptFailures);

    public Task StoppedAsync(int aborted, CancellationToken cancellationToken)
    {
        StoppedWithAborted = aborted;
        return Task.CompletedTask;
    }
}
