using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Buffers;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Listening;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Sockets;

/// <summary>
/// One accepted connection: a fill loop that drains the socket into a pipe as fast as the producer writes,
/// and a parse loop that frames and parses what the pipe holds. The fill loop never waits for the parse
/// loop: when the unparsed backlog passes the limit it sheds whole records (counted exactly as dropped)
/// and keeps reading, so a slow agent never slows the producer.
/// </summary>
internal sealed class TapConnection : IAcceptedConnection
{
    private const int MinReceiveBytes = 4096;

    private readonly Socket _socket;
    private readonly IRecordSink _sink;
    private readonly TapMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string _streamName;
    private readonly long _maxBacklogBytes;
    private readonly Pipe _pipe;
    private readonly NdJsonLineParser _parser;
    private readonly CancellationTokenSource _receiveCts = new();

    // Bytes committed to the pipe (fill loop only) and bytes the parse loop has consumed (published to the fill loop).
    private long _written;
    private long _consumed;

    private bool _shedding;

    // The last byte committed to the pipe was not a '\n': shedding may only start after the line ends.
    private bool _pipeEndsMidLine;

    // The last byte shed was not a '\n': a dropped line is still arriving.
    private bool _shedEndsMidLine;
    private volatile bool _aborted;

    public TapConnection(Socket socket, IRecordSink sink, NdJsonFieldExtractor extractor, TapMetrics metrics, ILogger logger, string streamName, int maxLineBytes, int maxBacklogBytes)
    {
        _socket = socket;
        _sink = sink;
        _metrics = metrics;
        _logger = logger;
        _streamName = streamName;
        _maxBacklogBytes = maxBacklogBytes;
        _pipe = new Pipe(new PipeOptions(
            pool: BlockMemoryPool.Default,
            readerScheduler: PipeScheduler.ThreadPool,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0,
            resumeWriterThreshold: 0,
            minimumSegmentSize: BlockMemoryPool.DefaultBlockSize,
            useSynchronizationContext: false));
        _parser = new NdJsonLineParser(extractor, sink, metrics, maxLineBytes);
    }

    public IRecordSink Sink => _sink;

    /// <summary>Runs both loops until the connection ends; the socket is closed when it returns.</summary>
    public async Task RunAsync()
    {
        try
        {
            var parse = ParseAsync();
            await FillAsync().ConfigureAwait(false);
            await parse.ConfigureAwait(false);
        }
        finally
        {
            _socket.Dispose();
            _receiveCts.Dispose();
        }
    }

    /// <summary>Stops reading the socket; what was already received is still parsed.</summary>
    public void RequestStop() => StopReceiving();

    /// <summary>Stops reading the socket; what was already received is still parsed.</summary>
    public void StopReceiving()
    {
        try
        {
            _receiveCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>Stops parsing: what is still buffered is counted as dropped.</summary>
    public void Abort()
    {
        _aborted = true;
        _pipe.Reader.CancelPendingRead();
    }

    private async Task FillAsync()
    {
        var writer = _pipe.Writer;
        try
        {
            var token = _receiveCts.Token;
            while (true)
            {
                var memory = writer.GetMemory(MinReceiveBytes);
                var received = await _socket.ReceiveAsync(memory, SocketFlags.None, token).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                if (Commit(writer, memory.Span[..received]) == 0)
                {
                    continue;
                }

                // Never blocks: the pipe has no pause threshold.
                var flush = await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown or SocketError.OperationAborted)
        {
            // An abrupt disconnect is a normal end of a connection.
        }
        catch (Exception e)
        {
            TapLog.ConnectionError(_logger, _streamName, e);
        }
        finally
        {
            if (_shedding && _shedEndsMidLine)
            {
                // The dropped line never got its '\n'; its bytes were counted as they were shed.
                Drop(1, 0);
            }

            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Decides what of a received chunk goes to the parser; returns the bytes committed (advanced) to the
    /// pipe. Shedding starts and ends only at line boundaries so every line is either parsed whole or
    /// dropped whole.
    /// </summary>
    internal int Commit(PipeWriter writer, Span<byte> chunk)
    {
        var backlog = _written - Volatile.Read(ref _consumed);
        if (!_shedding)
        {
            if (backlog <= _maxBacklogBytes)
            {
                return Advance(writer, chunk.Length, chunk);
            }

            _shedding = true;
            _shedEndsMidLine = false;
            if (_pipeEndsMidLine)
            {
                // Finish the line the parser already has the start of, then shed.
                var newline = chunk.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _shedding = false;
                    return Advance(writer, chunk.Length, chunk);
                }

                Shed(chunk[(newline + 1)..]);
                return Advance(writer, newline + 1, chunk);
            }

            Shed(chunk);
            return 0;
        }

        if (backlog >= _maxBacklogBytes / 2)
        {
            Shed(chunk);
            return 0;
        }

        // Resume at the first line boundary: after the end of the line being dropped, if any.
        _shedding = false;
        if (!_shedEndsMidLine)
        {
            return Advance(writer, chunk.Length, chunk);
        }

        var end = chunk.IndexOf((byte)'\n');
        if (end < 0)
        {
            _shedding = true;
            Shed(chunk);
            return 0;
        }

        Shed(chunk[..(end + 1)]);
        var rest = chunk[(end + 1)..];
        rest.CopyTo(chunk);
        return Advance(writer, rest.Length, chunk);
    }

    private int Advance(PipeWriter writer, int count, ReadOnlySpan<byte> chunk)
    {
        if (count == 0)
        {
            return 0;
        }

        writer.Advance(count);
        _written += count;
        _pipeEndsMidLine = chunk[count - 1] != (byte)'\n';
        return count;
    }

    private void Shed(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        _shedEndsMidLine = bytes[^1] != (byte)'\n';
        Drop(bytes.Count((byte)'\n'), bytes.Length);
    }

    private void Drop(long records, long bytes)
    {
        _sink.OnDropped(records, bytes);
        _metrics.AddDropped(records);
    }

    private async Task ParseAsync()
    {
        var reader = _pipe.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                var buffer = result.Buffer;
                var length = buffer.Length;
                if (_aborted)
                {
                    // Out of time: wait for the fill loop to finish (it has stopped receiving), then count
                    // what is left once, so a line split across two reads is not counted twice.
                    if (!result.IsCompleted)
                    {
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }

                    _parser.Abandon(ref buffer);
                }
                else
                {
                    _parser.ParseBatch(ref buffer, result.IsCompleted);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                Interlocked.Add(ref _consumed, length - buffer.Length);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A failing sink ends the connection, not the tap.
            TapLog.ConnectionError(_logger, _streamName, e);
            StopReceiving();
            await reader.CompleteAsync(e).ConfigureAwait(false);
        }
    }
}
