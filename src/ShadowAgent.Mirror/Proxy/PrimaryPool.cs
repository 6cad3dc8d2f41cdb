using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ShadowAgent.Mirror.Proxy;

/// <summary>
/// Keep-alive connections to the primary, shared by every client connection: a request takes an idle one (or
/// opens one) and gives it back when its response was framed and the primary keeps it open. At most
/// <c>capacity</c> idle connections are kept; the rest are closed.
/// </summary>
internal sealed class PrimaryPool : IAsyncDisposable
{
    private readonly IPEndPoint _primary;
    private readonly int _capacity;
    private readonly ConcurrentQueue<UpstreamConnection> _idle = new();
    private int _idleCount;
    private long _opened;
    private bool _disposed;

    public PrimaryPool(IPEndPoint primary, int capacity)
    {
        _primary = primary;
        _capacity = capacity;
    }

    /// <summary>Connections opened to the primary since start.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>An idle connection, or null when none is left.</summary>
    public UpstreamConnection? TryRentIdle()
    {
        while (_idle.TryDequeue(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            if (connection.LooksAlive())
            {
                return connection;
            }

            connection.Close();
        }

        return null;
    }

    public async ValueTask<UpstreamConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(_primary.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_primary, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Interlocked.Increment(ref _opened);
        return new UpstreamConnection(socket);
    }

    public void Return(UpstreamConnection connection)
    {
        if (!Volatile.Read(ref _disposed) && Interlocked.Increment(ref _idleCount) <= _capacity)
        {
            _idle.Enqueue(connection);
            return;
        }

        Interlocked.Decrement(ref _idleCount);
        connection.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryDequeue(out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
