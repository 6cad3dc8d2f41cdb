using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ShadowAgent.Taps.Listening;

/// <summary>
/// The accept loop and connection bookkeeping every socket-based tap shares (the NDJSON socket tap, the forward
/// tap, the HTTP mirror), so the three differ only in what a connection does. It accepts on a bound, listening
/// socket; closes at once, and counts, a connection beyond the limit so producers fail fast instead of queueing
/// in the kernel; runs each admitted connection on its own task; and stops gracefully: stop accepting, ask every
/// connection to finish (<see cref="IAcceptedConnection.RequestStop"/>), wait until the caller's deadline, abort
/// those still running (<see cref="IAcceptedConnection.Abort"/>), and wait for them to end, so every connection
/// has been <see cref="IConnectionHost{TConnection}.Closed"/> exactly once before the stop completes.
/// <para>
/// An accept that fails with a socket error (out of descriptors or buffers, a firewall refusing) is retried after
/// a backoff that doubles from <see cref="FirstRetryDelay"/> to <see cref="MaxRetryDelay"/>: a tap that quietly
/// stopped accepting would be an outage nobody sees. A connection whose setup throws is closed and the loop goes on.
/// </para>
/// </summary>
internal sealed class ConnectionListener<TConnection> : IAsyncDisposable
    where TConnection : class, IAcceptedConnection
{
    /// <summary>The wait after the first failed accept of a run of failures.</summary>
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest wait between failed accepts: a listener that keeps failing costs one call a second.</summary>
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long <see cref="DisposeAsync"/> lets connections finish before aborting them.</summary>
    internal static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly IConnectionHost<TConnection> _host;
    private readonly int _maxConnections;
    private readonly string _stream;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<Socket, CancellationToken, ValueTask<Socket>> _accept;
    private readonly ConcurrentDictionary<TConnection, Task> _connections = new();
    private readonly CancellationTokenSource _acceptCts = new();
    private readonly Lock _gate = new();
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stopping;
    private bool _started;
    private int _aborted;
    private long _opened;

    /// <param name="socket">A bound, listening socket; the listener owns it from here on.</param>
    /// <param name="host">The tap: builds, closes and logs connections.</param>
    /// <param name="maxConnections">Open connections beyond which an accepted socket is closed at once.</param>
    /// <param name="stream">The stream's name, for the listener's own log events.</param>
    /// <param name="logger">The tap's logger.</param>
    /// <param name="time">The clock the accept backoff waits on.</param>
    /// <param name="accept">How a socket is accepted; tests put a failing accept in front of the real one.</param>
    public ConnectionListener(
        Socket socket, IConnectionHost<TConnection> host, int maxConnections, string stream, ILogger logger, TimeProvider time,
        Func<Socket, CancellationToken, ValueTask<Socket>>? accept = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        _socket = socket;
        _host = host;
        _maxConnections = maxConnections;
        _stream = stream;
        _logger = logger;
        _time = time;
        _accept = accept ?? ((listener, token) => listener.AcceptAsync(token));
        LocalEndPoint = socket.LocalEndPoint!;
    }

    /// <summary>The bound endpoint, with port 0 resolved to the port the system chose.</summary>
    public EndPoint LocalEndPoint { get; }

    /// <summary>Connections running now.</summary>
    public int Count => _connections.Count;

    /// <summary>Connections admitted since start (rejected ones and ones whose setup failed not included).</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Connections the stop had to abort because they did not finish by the deadline (set once, by the stop).</summary>
    public int AbortedConnections => Volatile.Read(ref _aborted);

    /// <summary>Starts accepting. Call once, after the host is ready to <see cref="IConnectionHost{TConnection}.Open"/>.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started || _stopping is not null)
            {
                throw new InvalidOperationException("The listener has been started or stopped already.");
            }

            _started = true;
            _acceptLoop = AcceptLoopAsync();
        }
    }

    /// <summary>
    /// Stops accepting, asks every connection to finish, and aborts those still running when
    /// <paramref name="cancellationToken"/> fires; then runs the host's <see cref="IConnectionHost{TConnection}.StoppedAsync"/>.
    /// Every call returns the first call's task.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stopping ??= StopCoreAsync(cancellationToken);
            return _stopping;
        }
    }

    /// <summary>Stops with <see cref="DisposeTimeout"/> as the deadline.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(DisposeTimeout);
        await StopAsync(timeout.Token).ConfigureAwait(false);
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        await _acceptCts.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);

        // The accept loop has ended, so no connection is added after this snapshot.
        var connections = _connections.ToArray();
        foreach (var (connection, _) in connections)
        {
            connection.RequestStop();
        }

        var all = Task.WhenAll(connections.Select(c => c.Value));
        var aborted = 0;
        try
        {
            await all.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            foreach (var (connection, task) in connections)
            {
                if (!task.IsCompleted)
                {
                    aborted++;
                    connection.Abort();
                }
            }

            Volatile.Write(ref _aborted, aborted);

            // What a connection was given is released after its run ends: wait for that even past the deadline.
            await all.ConfigureAwait(false);
        }

        _acceptCts.Dispose();
        await _host.StoppedAsync(aborted, cancellationToken).ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync()
    {
        var token = _acceptCts.Token;
        var delay = TimeSpan.Zero;
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _accept(_socket, token).ConfigureAwait(false);
                delay = TimeSpan.Zero;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // The peer gave up before we accepted it.
                continue;
            }
            catch (SocketException e)
            {
                delay = delay == TimeSpan.Zero ? FirstRetryDelay : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                ListenerLog.AcceptRetrying(_logger, _stream, e.SocketErrorCode, delay);
                try
                {
                    await Task.Delay(delay, _time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }
            catch (Exception e)
            {
                _host.AcceptFailed(e);
                return;
            }

            Admit(socket);
        }
    }

    private void Admit(Socket socket)
    {
        TConnection connection;
        try
        {
            if (_connections.Count >= _maxConnections)
            {
                _host.Rejected(_maxConnections);
                socket.Dispose();
                return;
            }

            connection = _host.Open(socket);
        }
        catch (Exception e)
        {
            // A socket that cannot even be set up (reset while we configured it, a failing sink) costs that one connection.
            socket.Dispose();
            _host.ConnectionFailed(e);
            return;
        }

        Interlocked.Increment(ref _opened);
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connections[connection] = RunAsync(connection, registered.Task);
        registered.SetResult();
    }

    private async Task RunAsync(TConnection connection, Task registered)
    {
        // Run off the accept loop, and only once the connection is in the map it removes itself from.
        await registered.ConfigureAwait(false);
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _host.ConnectionFailed(e);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            _host.Closed(connection);
        }
    }
}
