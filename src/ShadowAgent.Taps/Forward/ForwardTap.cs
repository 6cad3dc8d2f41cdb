using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Parsing;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Taps.Forward;

/// <summary>
/// Listens on TCP for the Fluentd forward protocol, so Fluent Bit or Fluentd can copy any stream to the agent
/// (an <c>[OUTPUT] name forward</c> / <c>&lt;store&gt; @type forward</c> pointing here). Each connection gets its
/// own sink; connections beyond the limit are closed at accept and counted. When the stream sets a shared key, every
/// connection first goes through the handshake (<see cref="ForwardHandshake"/>: HELO, PING, PONG, optionally with
/// users) and nothing it sends is read as records before its PING is verified. There is no TLS: the handshake proves
/// the client knows the key, it does not hide the records.
/// </summary>
public sealed class ForwardTap : ITap
{
    private const int ListenBacklog = 512;

    private readonly Socket _listener;
    private readonly StreamOptions _stream;
    private readonly IRecordSinkFactory _sinks;
    private readonly ILogger _logger;
    private readonly FieldTrie _fields;
    private readonly TapMetrics _metrics;
    private readonly ForwardSecurity? _security;
    private readonly HandshakeMetrics _handshakeMetrics;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<ForwardConnection, Task> _connections = new();
    private readonly CancellationTokenSource _acceptCts = new();
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stopping;

    private ForwardTap(Socket listener, StreamOptions stream, IRecordSinkFactory sinks, ILogger logger, ForwardSecurity? security, TimeProvider time)
    {
        _security = security;
        _time = time;
        _handshakeMetrics = new HandshakeMetrics(stream.Name);
        _listener = listener;
        _stream = stream;
        _sinks = sinks;
        _logger = logger;
        _fields = FieldTrie.Compile(stream);
        _metrics = new TapMetrics(stream.Name);
        LocalEndPoint = listener.LocalEndPoint!;
    }

    /// <summary>The bound endpoint, with port 0 resolved to the port the system chose.</summary>
    public EndPoint LocalEndPoint { get; }

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
        var address = stream.Tap.Address;
        // Port 0 (the system picks one) is allowed here for tests; configuration asks for a real port.
        if (string.IsNullOrWhiteSpace(address) || !address.Contains(':', StringComparison.Ordinal) || !IPEndPoint.TryParse(address, out var endPoint))
        {
            throw new InvalidOperationException($"Stream '{stream.Name}': forward address '{address}' is not an IP address and port (for example 127.0.0.1:24224).");
        }

        var security = ForwardSecurity.From(stream);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(ListenBacklog);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException($"Stream '{stream.Name}': cannot listen on tcp {address}: {e.Message}", e);
        }

        var logger = loggerFactory.CreateLogger<ForwardTap>();
        var tap = new ForwardTap(socket, stream, sinks, logger, security, time ?? TimeProvider.System);
        tap._acceptLoop = tap.AcceptLoopAsync();
        ForwardLog.Listening(logger, stream.Name, tap.LocalEndPoint);
        return tap;
    }

    /// <summary>
    /// Stops accepting and reading; messages already read are in the sinks (a sender resends the chunks it saw no
    /// acknowledgement for). Every sink is closed exactly once before this completes.
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
        var connections = _connections.ToArray();
        foreach (var (connection, _) in connections)
        {
            connection.Stop();
        }

        // Parsing is synchronous between reads, so a stopped connection ends within one message's work; its sink
        // is closed after that, so wait for it even when the caller's time is up.
        var all = Task.WhenAll(connections.Select(c => c.Value));
        try
        {
            await all.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await all.ConfigureAwait(false);
        }

        _acceptCts.Dispose();
        ForwardLog.Stopped(_logger, _stream.Name);
    }

    private async Task AcceptLoopAsync()
    {
        var token = _acceptCts.Token;
        var max = _stream.Tap.MaxConnections;
        var tap = _stream.Tap;
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
                continue;
            }
            catch (Exception e)
            {
                ForwardLog.AcceptFailed(_logger, _stream.Name, e);
                return;
            }

            if (_connections.Count >= max)
            {
                _sinks.OnConnectionRejected();
                ForwardLog.ConnectionRejected(_logger, _stream.Name, max);
                socket.Dispose();
                continue;
            }

            socket.NoDelay = true;
            var sink = _sinks.Open();
            var parser = new ForwardMessageParser(new ForwardRecordExtractor(_fields), sink, _metrics, tap.MaxFrameBytes, tap.MaxDepth, tap.MaxEntries);
            var connection = new ForwardConnection(socket, sink, parser, _logger, _stream.Name, _security, _handshakeMetrics, _time);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[connection] = RunConnectionAsync(connection, gate.Task);
            gate.SetResult();
        }
    }

    private async Task RunConnectionAsync(ForwardConnection connection, Task registered)
    {
        await registered.ConfigureAwait(false);
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            _sinks.Close(connection.Sink);
        }
    }
}
