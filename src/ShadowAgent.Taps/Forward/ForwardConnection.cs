using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Listening;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Taps.Forward;

/// <summary>
/// One forward-protocol connection: reads the socket through a pipe, hands whole messages to the parser and sends
/// <c>{"ack": chunk}</c> for every message that asked, after its records are in the sink. The pipe holds at most one
/// unfinished message (bounded by the message limit) plus one read, so a slow or stalled sender holds no more memory
/// than that. Unlike the NDJSON socket tap it lets TCP flow control pace the sender instead of shedding: forward
/// clients (Fluent Bit, Fluentd) buffer and retry by design, and an acknowledged chunk must never be shed.
/// </summary>
internal sealed class ForwardConnection : IAcceptedConnection
{
    private const int MinReadBytes = 128 * 1024;

    private readonly Socket _socket;
    private readonly ForwardMessageParser _parser;
    private readonly ILogger _logger;
    private readonly string _streamName;
    private readonly CancellationTokenSource _cts = new();
    private readonly byte[] _ack = new byte[1024];

    private readonly ForwardSecurity? _security;
    private readonly HandshakeMetrics? _handshakeMetrics;
    private readonly TimeProvider _time;

    public ForwardConnection(Socket socket, IRecordSink sink, ForwardMessageParser parser, ILogger logger, string streamName)
        : this(socket, sink, parser, logger, streamName, null, null, TimeProvider.System)
    {
    }

    /// <param name="security">The handshake to run before any message is read; null: none (messages from the first byte).</param>
    public ForwardConnection(
        Socket socket, IRecordSink sink, ForwardMessageParser parser, ILogger logger, string streamName,
        ForwardSecurity? security, HandshakeMetrics? handshakeMetrics, TimeProvider time)
    {
        _socket = socket;
        Sink = sink;
        _parser = parser;
        _logger = logger;
        _streamName = streamName;
        _security = security;
        _handshakeMetrics = handshakeMetrics;
        _time = time;
    }

    public IRecordSink Sink { get; }

    /// <summary>Reads until the peer closes, the stream cannot be followed, or <see cref="RequestStop"/>.</summary>
    public async Task RunAsync()
    {
        var stream = new NetworkStream(_socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: MinReadBytes, minimumReadSize: MinReadBytes / 4, leaveOpen: true));
        try
        {
            var token = _cts.Token;
            if (_security is not null && !await HandshakeAsync(_security, reader, token).ConfigureAwait(false))
            {
                return;
            }

            while (true)
            {
                var result = await reader.ReadAsync(token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var outcome = _parser.Parse(ref buffer, result.IsCompleted);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (_parser.PendingAcks.Count > 0)
                {
                    await SendAcksAsync(token).ConfigureAwait(false);
                }

                if (outcome == ForwardOutcome.Close || result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what was read is in the sink; the sender resends what it did not see acknowledged.
        }
        catch (IOException)
        {
            // The peer reset the connection.
        }
        catch (SocketException)
        {
            // Same.
        }
        catch (Exception e)
        {
            ForwardLog.ConnectionError(_logger, _streamName, e);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            _cts.Dispose();
        }
    }

    /// <summary>
    /// Stops reading and sending at once: what was read is in the sink, and the sender resends what it saw no
    /// acknowledgement for. Parsing is synchronous between reads, so the run ends within one message's work.
    /// </summary>
    public void RequestStop()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>The same as <see cref="RequestStop"/>: its cancellation already ends every wait of the run.</summary>
    public void Abort() => RequestStop();

    /// <summary>
    /// Sends HELO and reads the PING, within the handshake timeout; answers PONG either way. Nothing the client sent is
    /// handed to the parser until the PING has been verified; what follows the PING in the buffer stays for it.
    /// </summary>
    /// <returns>False when the connection must close (the failure is counted and logged).</returns>
    private async Task<bool> HandshakeAsync(ForwardSecurity security, PipeReader reader, CancellationToken token)
    {
        var handshake = new ForwardHandshake(security);
        await SendAllAsync(handshake.Helo(), token).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(security.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !token.IsCancellationRequested)
            {
                return await FailAsync(handshake, HandshakeFailure.Timeout, token).ConfigureAwait(false);
            }

            var buffer = result.Buffer;
            var failure = ForwardHandshake.Classify(buffer);
            if (failure == HandshakeFailure.None)
            {
                var scan = MsgPackScanner.Scan(buffer, ForwardHandshake.MaxPingBytes, 4, out var length);
                switch (scan)
                {
                    case ScanResult.Complete:
                        failure = handshake.Check(buffer.Slice(0, length), out var pong);
                        reader.AdvanceTo(buffer.GetPosition(length));
                        _handshakeMetrics?.Add(failure);
                        await SendAllAsync(pong, token).ConfigureAwait(false);
                        if (failure != HandshakeFailure.None)
                        {
                            LogFailure(failure);
                            return false;
                        }

                        return true;
                    case ScanResult.Incomplete when !result.IsCompleted:
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    case ScanResult.Incomplete:
                        failure = HandshakeFailure.Truncated;
                        break;
                    case ScanResult.TooLarge:
                        failure = HandshakeFailure.Oversize;
                        break;
                    default:
                        failure = HandshakeFailure.MalformedPing;
                        break;
                }
            }

            reader.AdvanceTo(buffer.End);
            return await FailAsync(handshake, failure, token).ConfigureAwait(false);
        }
    }

    /// <summary>Logs a handshake failure within the tap's log budget (the counter has it either way).</summary>
    private void LogFailure(HandshakeFailure failure)
    {
        long suppressed = 0;
        if (_handshakeMetrics is null || _handshakeMetrics.LogBudget.TryTake(out suppressed))
        {
            ForwardLog.HandshakeFailed(_logger, _streamName, _socket.RemoteEndPoint, HandshakeFailures.Tag(failure), suppressed);
        }
    }

    private async Task<bool> FailAsync(ForwardHandshake handshake, HandshakeFailure failure, CancellationToken token)
    {
        _handshakeMetrics?.Add(failure);
        LogFailure(failure);
        try
        {
            await SendAllAsync(handshake.FailurePong(failure), token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            // The client is gone already; the failure is counted.
        }

        return false;
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken token)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, token).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private async Task SendAcksAsync(CancellationToken token)
    {
        foreach (var chunk in _parser.PendingAcks)
        {
            var ack = WriteAck(chunk, _ack);
            await _socket.SendAsync(ack, SocketFlags.None, token).ConfigureAwait(false);
        }

        _parser.PendingAcks.Clear();
    }

    /// <summary>Writes <c>{"ack": chunk}</c>: a one-entry map, the key "ack", and the chunk's str as it arrived.</summary>
    internal static ReadOnlyMemory<byte> WriteAck(byte[] chunk, byte[] scratch)
    {
        ReadOnlySpan<byte> head = [0x81, 0xa3, (byte)'a', (byte)'c', (byte)'k'];
        var length = head.Length + chunk.Length;
        var target = length <= scratch.Length ? scratch : new byte[length];
        head.CopyTo(target);
        chunk.CopyTo(target.AsSpan(head.Length));
        return target.AsMemory(0, length);
    }
}
