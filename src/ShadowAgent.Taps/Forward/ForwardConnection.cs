using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Taps.Forward;

/// <summary>
/// One forward-protocol connection: reads the socket through a pipe, hands whole messages to the parser and sends
/// <c>{"ack": chunk}</c> for every message that asked, after its records are in the sink. The pipe holds at most one
/// unfinished message (bounded by the message limit) plus one read, so a slow or stalled sender holds no more memory
/// than that. Unlike the NDJSON socket tap it lets TCP flow control pace the sender instead of shedding: forward
/// clients (Fluent Bit, Fluentd) buffer and retry by design, and an acknowledged chunk must never be shed.
/// </summary>
internal sealed class ForwardConnection
{
    private const int MinReadBytes = 128 * 1024;

    private readonly Socket _socket;
    private readonly ForwardMessageParser _parser;
    private readonly ILogger _logger;
    private readonly string _streamName;
    private readonly CancellationTokenSource _cts = new();
    private readonly byte[] _ack = new byte[1024];

    public ForwardConnection(Socket socket, IRecordSink sink, ForwardMessageParser parser, ILogger logger, string streamName)
    {
        _socket = socket;
        Sink = sink;
        _parser = parser;
        _logger = logger;
        _streamName = streamName;
    }

    public IRecordSink Sink { get; }

    /// <summary>Reads until the peer closes, the stream cannot be followed, or <see cref="Stop"/>.</summary>
    public async Task RunAsync()
    {
        var stream = new NetworkStream(_socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: MinReadBytes, minimumReadSize: MinReadBytes / 4, leaveOpen: true));
        try
        {
            var token = _cts.Token;
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

    public void Stop()
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
