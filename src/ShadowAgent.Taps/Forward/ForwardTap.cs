using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Listening;
using ShadowAgent.Taps.Parsing;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Taps.Forward;

/// <summary>
/// Listens on TCP for the Fluentd forward protocol, so Fluent Bit or Fluentd can copy any stream to the agent
/// (an <c>[OUTPUT] name forward</c> / <c>&lt;store&gt; @type forward</c> pointing here). Each connection gets its
/// own sink; connections beyond the limit are closed at accept and counted. When the stream sets a shared key, every
/// connection first goes through the handshake (<see cref="ForwardHandshake"/>: HELO, PING, PONG, optionally with
/// users) and nothing it sends is read as records before its PING is verified. There is no TLS: the handshake proves
/// the client knows the key, it does not hide the records. The accept loop and the stop are the shared
/// <see cref="ConnectionListener{TConnection}"/>.
/// </summary>
public sealed class ForwardTap : ITap, IConnectionHost<ForwardConnection>
{
    private readonly StreamOptions _stream;
    private readonly IRecordSinkFactory _sinks;
    private readonly ILogger _logger;
    private readonly FieldTrie _fields;
    private readonly TapMetrics _metrics;
    private readonly ForwardSecurity? _security;
    private readonly HandshakeMetrics _handshakeMetrics;
    private readonly TimeProvider _time;
    private readonly ConnectionListener<ForwardConnection> _listener;

    private ForwardTap(Socket listener, StreamOptions stream, IRecordSinkFactory sinks, ILogger logger, ForwardSecurity? security, TimeProvider time)
    {
        _security = security;
        _time = time;
        _handshakeMetrics = new HandshakeMetrics(stream.Name, time);
        _stream = stream;
        _sinks = sinks;
        _logger = logger;
        _fields = FieldTrie.Compile(stream);
        _metrics = new TapMetrics(stream.Name);
        _listener = new ConnectionListener<ForwardConnection>(listener, this, stream.Tap.MaxConnections, stream.Name, logger, time);
    }

    /// <summary>The bound endpoint, with port 0 resolved to the port the system chose.</summary>
    public EndPoint LocalEndPoint => _listener.LocalEndPoint;

    public string StreamName => _stream.Name;

    public string Source => LocalEndPoint.ToString() ?? _stream.Tap.Address;

    /// <summary>Handshake outcomes so far (all zero when the stream has no shared key).</summary>
    internal HandshakeMetrics Handshakes => _handshakeMetrics;

    /// <exception cref="InvalidOperationException">The address is not valid or cannot be bound, or a secret file cannot be read.</exception>
    /// <param name="time">The clock the handshake timeout runs on; the system clock when null.</param>
    public static ForwardTap Start(StreamOptions stream, IRecordSinkFactory sinks, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var endPoint = ListenSockets.ParseTcp(stream.Name, stream.Tap.Address, "forward", 24224);
        var security = ForwardSecurity.From(stream);
        var socket = ListenSockets.ListenTcp(stream.Name, endPoint, stream.Tap.Address);
        var logger = loggerFactory.CreateLogger<ForwardTap>();
        var tap = new ForwardTap(socket, stream, sinks, logger, security, time ?? TimeProvider.System);
        tap._listener.Start();
        ForwardLog.Listening(logger, stream.Name, tap.LocalEndPoint);
        return tap;
    }

    /// <summary>
    /// Stops accepting and reading; messages already read are in the sinks (a sender resends the chunks it saw no
    /// acknowledgement for). Every sink is closed exactly once before this completes.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    ForwardConnection IConnectionHost<ForwardConnection>.Open(Socket socket)
    {
        socket.NoDelay = true;
        var tap = _stream.Tap;
        var sink = _sinks.Open();
        var parser = new ForwardMessageParser(new ForwardRecordExtractor(_fields), sink, _metrics, tap.MaxFrameBytes, tap.MaxDepth, tap.MaxEntries);
        return new ForwardConnection(socket, sink, parser, _logger, _stream.Name, _security, _handshakeMetrics, _time);
    }

    void IConnectionHost<ForwardConnection>.Closed(ForwardConnection connection) => _sinks.Close(connection.Sink);

    void IConnectionHost<ForwardConnection>.Rejected(int maxConnections)
    {
        _sinks.OnConnectionRejected();
        ForwardLog.ConnectionRejected(_logger, _stream.Name, maxConnections);
    }

    void IConnectionHost<ForwardConnection>.ConnectionFailed(Exception exception) => ForwardLog.ConnectionError(_logger, _stream.Name, exception);

    void IConnectionHost<ForwardConnection>.AcceptFailed(Exception exception) => ForwardLog.AcceptFailed(_logger, _stream.Name, exception);

    Task IConnectionHost<ForwardConnection>.StoppedAsync(int aborted, CancellationToken cancellationToken)
    {
        ForwardLog.Stopped(_logger, _stream.Name);
        return Task.CompletedTask;
    }
}
