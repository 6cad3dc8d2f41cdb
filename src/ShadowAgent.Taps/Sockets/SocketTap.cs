using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Sockets;

/// <summary>
/// Listens on a TCP or Unix domain socket for one stream's NDJSON records. Each accepted connection gets
/// its own sink from the factory and its own fill and parse loops; connections beyond the limit are
/// accepted and closed at once so producers fail fast instead of queueing in the kernel.
/// </summary>
public sealed class SocketTap : ITap
{
    private const int ReceiveBufferBytes = 1024 * 1024;
    private const int ListenBacklog = 512;

    private readonly Socket _listener;
    private readonly StreamOptions _stream;
    private readonly IRecordSinkFactory _sinks;
    private readonly ILogger _logger;
    private readonly FieldTrie _fields;
    private readonly TapMetrics _metrics;
    private readonly string? _unixPath;
    private readonly ConcurrentDictionary<TapConnection, Task> _connections = new();
    private readonly CancellationTokenSource _acceptCts = new();
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stopping;
    private int _abortedConnections;

    private SocketTap(Socket listener, StreamOptions stream, IRecordSinkFactory sinks, ILogger logger, string? unixPath)
    {
        _listener = listener;
        _stream = stream;
        _sinks = sinks;
        _logger = logger;
        _unixPath = unixPath;
        _fields = FieldTrie.Compile(stream);
        _metrics = new TapMetrics(stream.Name);
        LocalEndPoint = listener.LocalEndPoint!;
    }

    /// <summary>The bound endpoint, with port 0 resolved to the port the system chose.</summary>
    public EndPoint LocalEndPoint { get; }

    public string StreamName => _stream.Name;

    public string Source => LocalEndPoint.ToString() ?? _stream.Tap.Address;

    /// <summary>Connections whose parsing was cut short by the stop token (set once the stop aborts them).</summary>
    internal int AbortedConnections => Volatile.Read(ref _abortedConnections);

    /// <summary>Binds the stream's address and starts accepting connections.</summary>
    /// <exception cref="InvalidOperationException">The address is not valid or cannot be bound.</exception>
    public static SocketTap Start(StreamOptions stream, IRecordSinkFactory sinks, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggerFactory);

        var tap = stream.Tap;
        var (listener, unixPath) = tap.Kind switch
        {
            TapKinds.Tcp => (BindTcp(stream), null),
            TapKinds.Unix => (BindUnix(stream), tap.Address),
            _ => throw new InvalidOperationException($"Stream '{stream.Name}': tap kind '{tap.Kind}' is not a socket (known: {TapKinds.Tcp}, {TapKinds.Unix})."),
        };

        var logger = loggerFactory.CreateLogger<SocketTap>();
        var socketTap = new SocketTap(listener, stream, sinks, logger, unixPath);
        socketTap._acceptLoop = socketTap.AcceptLoopAsync();
        TapLog.Listening(logger, stream.Name, tap.Kind, socketTap.LocalEndPoint);
        return socketTap;
    }

    /// <summary>
    /// Stops accepting, stops reading the open connections and lets each finish parsing what it already
    /// received. When <paramref name="cancellationToken"/> fires first, what is still buffered is counted
    /// as dropped. Every sink is closed exactly once before this completes.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_acceptCts)
        {
            _stopping ??= StopCoreAsync(cancellationToken);
            return _stopping;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await StopAsync(timeout.Token).ConfigureAwait(false);
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        await _acceptCts.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);

        // The accept loop has ended, so no connection is added after this snapshot.
        var connections = _connections.ToArray();
        foreach (var (connection, _) in connections)
        {
            connection.StopReceiving();
        }

        var all = Task.WhenAll(connections.Select(c => c.Value));
        var abandoned = 0;
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
                    abandoned++;
                    connection.Abort();
                }
            }

            Volatile.Write(ref _abortedConnections, abandoned);

            // Sinks are closed by their connections, after their parse loops: wait for that.
            await all.ConfigureAwait(false);
        }

        _acceptCts.Dispose();
        if (_unixPath is not null)
        {
            TryDelete(_unixPath);
        }

        TapLog.Stopped(_logger, _stream.Name, abandoned);
    }

    private async Task AcceptLoopAsync()
    {
        var token = _acceptCts.Token;
        var max = _stream.Tap.MaxConnections;
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // The peer gave up before we accepted it.
                continue;
            }
            catch (Exception e)
            {
                TapLog.AcceptFailed(_logger, _stream.Name, e);
                return;
            }

            if (_connections.Count >= max)
            {
                // Counted before the close, so whoever sees the connection end also sees it counted.
                _sinks.OnConnectionRejected();
                TapLog.ConnectionRejected(_logger, _stream.Name, max);
                socket.Dispose();
                continue;
            }

            try
            {
                socket.ReceiveBufferSize = ReceiveBufferBytes;
            }
            catch (SocketException)
            {
                // A smaller buffer only means more receive calls.
            }

            var shapes = _stream.Schema.Enabled ? new ShapeRecorder(_stream.Schema.MaxFields, _stream.Schema.MaxPathChars) : null;
            var extractor = new NdJsonFieldExtractor(_fields, shapes);
            var connection = new TapConnection(socket, _sinks.Open(shapes), extractor, _metrics, _logger, _stream.Name, _stream.Tap.MaxLineBytes, _stream.Tap.MaxBacklogBytes);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[connection] = RunConnectionAsync(connection, gate.Task);
            gate.SetResult();
        }
    }

    private async Task RunConnectionAsync(TapConnection connection, Task registered)
    {
        // Run off the accept loop, and only once the connection is in the map it removes itself from.
        await registered.ConfigureAwait(false);
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            TapLog.ConnectionError(_logger, _stream.Name, e);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            _sinks.Close(connection.Sink);
        }
    }

    private static Socket BindTcp(StreamOptions stream)
    {
        var address = stream.Tap.Address;
        if (string.IsNullOrWhiteSpace(address) || !address.Contains(':', StringComparison.Ordinal) || !IPEndPoint.TryParse(address, out var endPoint))
        {
            throw new InvalidOperationException($"Stream '{stream.Name}': tcp address '{address}' is not an IP address and port (for example 127.0.0.1:7410).");
        }

        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(ListenBacklog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException($"Stream '{stream.Name}': cannot listen on tcp {address}: {e.Message}", e);
        }
    }

    private static Socket BindUnix(StreamOptions stream)
    {
        var path = stream.Tap.Address;
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidOperationException($"Stream '{stream.Name}': unix socket path is empty.");
        }

        if (File.Exists(path))
        {
            if (IsListening(path))
            {
                throw new InvalidOperationException($"Stream '{stream.Name}': cannot listen on unix {path}: another process is listening on it.");
            }

            // Left behind by a process that did not shut down cleanly.
            TryDelete(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(ListenBacklog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException($"Stream '{stream.Name}': cannot listen on unix {path}: {e.Message}", e);
        }
    }

    private static bool IsListening(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Bind reports the real problem if the file is still there.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
