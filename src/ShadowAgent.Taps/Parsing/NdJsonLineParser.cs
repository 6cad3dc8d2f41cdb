using System.Buffers;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// Frames NDJSON records out of a connection's pipe buffer and hands each to the extractor and the sink:
/// the synchronous half of the Kestrel-shaped parse loop. Lines longer than the limit are skipped without
/// being buffered whole: once an unterminated tail passes the limit, the parser consumes and counts bytes
/// until the next '\n'. One instance per connection; used from the parse loop only. File taps use it for
/// plain-text lines too, with another <see cref="ILineExtractor"/>.
/// </summary>
internal sealed class NdJsonLineParser
{
    private readonly ILineExtractor _extractor;
    private readonly IRecordSink _sink;
    private readonly TapMetrics _metrics;
    private readonly int _maxLineBytes;

    // Framing limit: the longest line plus a '\r' before its '\n'; the exact check is made per line.
    private readonly int _maxFrameBytes;
    private byte[] _straddle = [];

    // Bytes of the oversize line being skipped, when in the discard state.
    private long _discarded = -1;

    private long _records;
    private long _bytes;
    private long _malformed;
    private long _invalidUtf8;
    private long _oversize;

    public NdJsonLineParser(ILineExtractor extractor, IRecordSink sink, TapMetrics metrics, int maxLineBytes)
    {
        _extractor = extractor;
        _sink = sink;
        _metrics = metrics;
        _maxLineBytes = maxLineBytes;
        _maxFrameBytes = maxLineBytes + 1;
    }

    /// <summary>
    /// Bytes of an oversize line skipped so far and not yet counted (its '\n' has not come), or -1. A file tap's
    /// checkpoint points at the start of that line, so a restart skips and counts it once.
    /// </summary>
    public long DiscardedBytes => _discarded;

    /// <summary>Forgets an oversize line being skipped: the input starts over (a truncated file).</summary>
    public void Reset() => _discarded = -1;

    /// <summary>
    /// Parses every complete line of <paramref name="buffer"/> as one sink batch and slices the buffer to
    /// what is left (the start of an incomplete line). When <paramref name="isCompleted"/>, the final line
    /// without '\n' is a record too and the buffer is left empty.
    /// </summary>
    public void ParseBatch(ref ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        _sink.BeginBatch();
        ParseLines(ref buffer);
        if (isCompleted)
        {
            ParseFinal(ref buffer);
        }

        _sink.EndBatch();
        FlushMetrics();
    }

    /// <summary>
    /// Gives up on the rest of a completed connection's buffer (the tap is stopping and out of time): an
    /// oversize line in progress is finished as an error, everything else is counted as dropped.
    /// </summary>
    public void Abandon(ref ReadOnlySequence<byte> buffer)
    {
        if (_discarded >= 0)
        {
            _sink.BeginBatch();
            if (!DiscardToNewline(ref buffer))
            {
                Oversize(_discarded);
                _discarded = -1;
            }

            _sink.EndBatch();
            FlushMetrics();
        }

        if (buffer.IsEmpty)
        {
            return;
        }

        long records = 0;
        foreach (var segment in buffer)
        {
            records += segment.Span.Count((byte)'\n');
        }

        // A partial line counts as a record the moment it is dropped; the rest of it never comes.
        if (buffer.Slice(buffer.Length - 1).FirstSpan[0] != (byte)'\n')
        {
            records++;
        }

        _sink.OnDropped(records, buffer.Length);
        _metrics.AddDropped(records);
        buffer = buffer.Slice(buffer.End);
    }

    private void ParseLines(ref ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_discarded >= 0 && !DiscardToNewline(ref buffer))
            {
                return;
            }

            // Fast path: whole lines inside the first segment, found with a vectorized search.
            var span = buffer.FirstSpan;
            var offset = 0;
            int newline;
            while ((newline = span[offset..].IndexOf((byte)'\n')) >= 0)
            {
                Line(span.Slice(offset, newline), newline + 1);
                offset += newline + 1;
            }

            if (offset == buffer.Length)
            {
                buffer = buffer.Slice(buffer.End);
                return;
            }

            buffer = buffer.Slice(offset);

            // The next line starts in this segment and continues in later ones (or is incomplete).
            var end = buffer.PositionOf((byte)'\n');
            if (end is null)
            {
                if (buffer.Length > _maxFrameBytes)
                {
                    _discarded = buffer.Length;
                    buffer = buffer.Slice(buffer.End);
                }

                return;
            }

            var line = buffer.Slice(0, end.Value);
            var length = line.Length;
            if (length > _maxFrameBytes)
            {
                Oversize(length + 1);
            }
            else
            {
                Line(Straddle(line), (int)length + 1);
            }

            buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        }
    }

    private void ParseFinal(ref ReadOnlySequence<byte> buffer)
    {
        if (_discarded >= 0)
        {
            Oversize(_discarded + buffer.Length);
            _discarded = -1;
        }
        else if (!buffer.IsEmpty)
        {
            if (buffer.Length > _maxFrameBytes)
            {
                Oversize(buffer.Length);
            }
            else
            {
                Line(buffer.IsSingleSegment ? buffer.FirstSpan : Straddle(buffer), (int)buffer.Length);
            }
        }

        buffer = buffer.Slice(buffer.End);
    }

    /// <summary>Skips the rest of an oversize line; false if its '\n' is not in the buffer yet.</summary>
    private bool DiscardToNewline(ref ReadOnlySequence<byte> buffer)
    {
        var end = buffer.PositionOf((byte)'\n');
        if (end is null)
        {
            _discarded += buffer.Length;
            buffer = buffer.Slice(buffer.End);
            return false;
        }

        var next = buffer.GetPosition(1, end.Value);
        Oversize(_discarded + buffer.Slice(0, next).Length);
        _discarded = -1;
        buffer = buffer.Slice(next);
        return true;
    }

    private void Line(ReadOnlySpan<byte> line, int bytes)
    {
        var length = line.Length;
        if (length > 0 && line[length - 1] == (byte)'\r')
        {
            length--;
        }

        if (length == 0)
        {
            // Blank lines separate nothing and are not records.
            return;
        }

        if (length > _maxLineBytes)
        {
            Oversize(bytes);
            return;
        }

        _records++;
        _bytes += bytes;
        if (_extractor.TryExtract(line, out var error))
        {
            _sink.OnRecord(_extractor.View(bytes));
            return;
        }

        if (error == RecordError.InvalidUtf8)
        {
            _invalidUtf8++;
        }
        else
        {
            _malformed++;
        }

        _sink.OnError(error, bytes);
    }

    private void Oversize(long bytes)
    {
        _records++;
        _bytes += bytes;
        _oversize++;
        _sink.OnError(RecordError.Oversize, (int)Math.Min(bytes, int.MaxValue));
    }

    private ReadOnlySpan<byte> Straddle(in ReadOnlySequence<byte> line)
    {
        var length = (int)line.Length;
        if (_straddle.Length < length)
        {
            _straddle = new byte[Math.Min(Math.Max(length, _straddle.Length * 2), _maxFrameBytes)];
        }

        line.CopyTo(_straddle);
        return _straddle.AsSpan(0, length);
    }

    private void FlushMetrics()
    {
        if (_records == 0)
        {
            return;
        }

        _metrics.AddBatch(_records, _bytes, _malformed, _invalidUtf8, _oversize);
        _records = 0;
        _bytes = 0;
        _malformed = 0;
        _invalidUtf8 = 0;
        _oversize = 0;
    }
}
