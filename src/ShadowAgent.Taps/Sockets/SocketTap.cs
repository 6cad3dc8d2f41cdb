using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Listening;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Sockets;

/// <summary>
/// Listens on a TCP or Unix domain socket for one stream's NDJSON records. Each accepted connection gets
/// its own sink from the factory and its own fill and parse loops; connections beyond the limit are
/// accepted and closed at once so producers fail fast instead of queueing in the kernel (the accept loop
/// and the stop are the shared <see cref="ConnectionListener{TConnection}"/>).
/// </summary>
public sealed class SocketTap : ITap, IConnectionHost<TapConnection>
{
    private const int ReceiveBufferBytes = 1024 * 1024;

    private readonly StreamOptions _stream;
    private readonly IRecordSinkFactory _sinks;
    private readonly ILogger _logger;
    private readonly FieldTrie _fields;
    private readonly TapMetrics _metrics;
    private readonly string? _unixPath;
    private readonly ConnectionListener<TapConnection> _listener;

    private SocketTap(Socket listener, StreamOptions stream, IRecordSinkFactory sinks, ILogger logger, string? unixPath)
    {
        _stream = stream;
        _sinks = sinks;
        _logger = logger;
        _unixPath = unixPath;
        _fields = FieldTrie.Compile(stream);
        _metrics = new TapMetrics(stream.Name);
        _listener = new ConnectionListener<TapConnection>(listener, this, stream.Tap.MaxConnections, stream.Name, logger, TimeProvider.System);
    }

    /// <summary>The bound endpoint, with port 0 resolved to the port the system chose.</summary>
    public EndPoint LocalEndPoint => _listener.LocalEndPoint;

    public string StreamName => _stream.Name;

    public string Source => LocalEndPoint.ToString() ?? _stream.Tap.Address;

    /// <summary>Connections whose parsing was cut short by the stop token (set once the stop aborts them).</summary>
    internal int AbortedConnections => _listener.AbortedConnections;

    /// <summary>Connections accepted since the tap started.</summary>
    public long ConnectionsOpened => _listener.Opened;

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
            TapKinds.Tcp => (ListenSockets.ListenTcp(stream.Name, ListenSockets.ParseTcp(stream.Name, tap.Address, "tcp", 7410), tap.Address), null),
            TapKinds.Unix => (BindUnix(stream), tap.Address),
            _ => throw new InvalidOperationException($"Stream '{stream.Name}': tap kind '{tap.Kind}' is not a socket (known: {TapKinds.Tcp}, {TapKinds.Unix})."),
        };

        var logger = loggerFactory.CreateLogger<SocketTap>();
        var socketTap = new SocketTap(listener, stream, sinks, logger, unixPath);
        socketTap._listener.Start();
        TapLog.Listening(logger, stream.Name, tap.Kind, socketTap.LocalEndPoint);
        return socketTap;
    }

    /// <summary>
    /// Stops accepting, stops reading the open connections and lets each finish parsing what it already
    /// received. When <paramref name="cancellationToken"/> fires first, what is still buffered is counted
    /// as dropped. Every sink is closed exactly once before this completes.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    TapConnection IConnectionHost<TapConnection>.Open(Socket socket)
    {
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
        return new TapConnection(socket, _sinks.Open(shapes), extractor, _metrics, _logger, _stream.Name, _stream.Tap.MaxLineBytes, _stream.Tap.MaxBacklogBytes);
    }

    void IConnectionHost<TapConnection>.Closed(TapConnection connection) => _sinks.Close(connection.Sink);

    void IConnectionHost<TapConnection>.Rejected(int maxConnections)
    {
        _sinks.OnConnectionRejected();
        TapLog.ConnectionRejected(_logger, _stream.Name, maxConnections);
    }

    void IConnectionHost<TapConnection>.ConnectionFailed(Exception exception) => TapLog.ConnectionError(_logger, _stream.Name, exception);

    void IConnectionHost<TapConnection>.AcceptFailed(Exception exception) => TapLog.AcceptFailed(_logger, _stream.Name, exception);

    Task IConnectionHost<TapConnection>.StoppedAsync(int aborted, CancellationToken cancellationToken)
    {
        if (_unixPath is not null)
        {
            TryDelete(_unixPath);
        }

        TapLog.Stopped(_logger, _stream.Name, aborted);
        return Task.CompletedTask;
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

        return ListenSockets.ListenUnix(stream.Name, path);
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
