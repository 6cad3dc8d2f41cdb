using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using MessagePack;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Taps.Forward;

/// <summary>What the connection does after a parse.</summary>
internal enum ForwardOutcome
{
    /// <summary>Every whole message was handled; the rest of the buffer is the start of the next one.</summary>
    NeedMore,

    /// <summary>The stream cannot be followed any more (truncated, malformed framing, over a limit): close the connection.</summary>
    Close,
}

/// <summary>
/// Frames and reads Fluentd forward-protocol messages (Forward Protocol Specification v1) from a connection's buffer:
/// Message <c>[tag, time, record, option?]</c>, Forward <c>[tag, [[time, record], ...], option?]</c>, PackedForward
/// <c>[tag, bin|str of concatenated [time, record], option?]</c> and CompressedPackedForward (option
/// <c>compressed: "gzip"</c>); time is an integer of seconds or the EventTime extension (type 0: seconds and
/// nanoseconds, big-endian). A nil value is a heartbeat. Each message is first scanned whole
/// (<see cref="MsgPackScanner"/>) so its records reach the sink all together, or not at all when its end never comes.
/// A message whose framing is sound but whose contents are not (an entry that is not [time, map], a bad gzip stream)
/// is counted and skipped and the connection goes on; a stream that cannot be framed is counted and closed.
/// The option's <c>chunk</c> is collected so the connection acknowledges it once the records are in the sink.
/// </summary>
internal sealed class ForwardMessageParser
{
    private readonly ForwardRecordExtractor _extractor;
    private readonly IRecordSink _sink;
    private readonly TapMetrics _metrics;
    private readonly int _maxFrameBytes;
    private readonly int _maxDepth;
    private readonly int _maxEntries;
    private byte[] _inflated = [];
    private byte[] _contiguous = [];

    // A lower bound of the bytes the message at the start of the buffer needs; no rescan before they are there.
    private long _needed;
    private RecordError _lastError;
    private long _records;
    private long _bytes;
    private long _malformed;
    private long _invalidUtf8;
    private long _oversize;

    public ForwardMessageParser(ForwardRecordExtractor extractor, IRecordSink sink, TapMetrics metrics, int maxFrameBytes, int maxDepth, int maxEntries)
    {
        _extractor = extractor;
        _sink = sink;
        _metrics = metrics;
        _maxFrameBytes = maxFrameBytes;
        _maxDepth = Math.Min(maxDepth, MsgPackScanner.MaxSupportedDepth);
        _maxEntries = maxEntries;
    }

    /// <summary>Chunk ids (their msgpack str, whole) to acknowledge, in order; the connection sends and clears them.</summary>
    public List<byte[]> PendingAcks { get; } = [];

    /// <summary>Messages handled, heartbeats included.</summary>
    public long Messages { get; private set; }

    /// <summary>Handles every whole message at the start of <paramref name="buffer"/> and slices it past them.</summary>
    public ForwardOutcome Parse(ref ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        if (!isCompleted && buffer.Length < _needed && buffer.Length <= _maxFrameBytes)
        {
            return ForwardOutcome.NeedMore;
        }

        _sink.BeginBatch();
        try
        {
            while (!buffer.IsEmpty)
            {
                var scan = MsgPackScanner.Scan(buffer, _maxFrameBytes, _maxDepth, out var length);
                switch (scan)
                {
                    case ScanResult.Complete:
                        _needed = 0;
                        Message(buffer.Slice(0, length));
                        buffer = buffer.Slice(length);
                        continue;
                    case ScanResult.Incomplete when !isCompleted && buffer.Length <= _maxFrameBytes:
                        _needed = length;
                        return ForwardOutcome.NeedMore;
                    case ScanResult.Incomplete when !isCompleted:
                    case ScanResult.TooLarge:
                        Error(RecordError.Oversize, buffer.Length);
                        break;
                    default:
                        // Truncated at the end of the connection, not MessagePack, or nested too deep.
                        Error(RecordError.Malformed, buffer.Length);
                        break;
                }

                buffer = buffer.Slice(buffer.End);
                return ForwardOutcome.Close;
            }

            return ForwardOutcome.NeedMore;
        }
        finally
        {
            _sink.EndBatch();
            Flush();
        }
    }

    private void Message(ReadOnlySequence<byte> message)
    {
        Messages++;
        try
        {
            var reader = new MessagePackReader(message);
            if (reader.TryReadNil())
            {
                return;
            }

            if (reader.NextMessagePackType != MessagePackType.Array)
            {
                Error(RecordError.Malformed, message.Length);
                return;
            }

            var count = reader.ReadArrayHeader();
            if (count is < 2 or > 4 || reader.NextMessagePackType != MessagePackType.String)
            {
                Error(RecordError.Malformed, message.Length);
                return;
            }

            reader.Skip(); // the tag
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Integer or MessagePackType.Extension or MessagePackType.Float when count >= 3:
                    MessageMode(ref reader, count, message.Length);
                    break;
                case MessagePackType.Array:
                    ForwardMode(ref reader, count, message.Length);
                    break;
                case MessagePackType.String or MessagePackType.Binary:
                    PackedForwardMode(ref reader, count, message.Length);
                    break;
                default:
                    Error(RecordError.Malformed, message.Length);
                    break;
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            Error(RecordError.Malformed, message.Length);
        }
    }

    private void MessageMode(ref MessagePackReader reader, int count, long bytes)
    {
        var time = ReadTime(ref reader);
        var record = reader.CreatePeekReader();
        reader.Skip();
        var options = count == 4 ? ReadOptions(ref reader) : default;
        if (!Entry(ref record, time, (int)bytes))
        {
            Error(_lastError, bytes);
        }

        Ack(options);
    }

    private void ForwardMode(ref MessagePackReader reader, int count, long bytes)
    {
        var entries = reader.CreatePeekReader();
        reader.Skip();
        var options = count >= 3 ? ReadOptions(ref reader) : default;
        var n = entries.ReadArrayHeader();
        if (n > _maxEntries)
        {
            Error(RecordError.Malformed, bytes);
            return;
        }

        for (var i = 0; i < n; i++)
        {
            // The message was scanned whole (its depth is bounded), so MessagePack's recursive skip is safe here; the
            // entry is read from a copy of the reader, which lets the extractor stop early.
            var entry = entries.CreatePeekReader();
            var start = entries.Consumed;
            entries.Skip();
            var length = entries.Consumed - start;
            if (entry.NextMessagePackType != MessagePackType.Array || entry.ReadArrayHeader() != 2)
            {
                Error(RecordError.Malformed, length);
                continue;
            }

            var time = ReadTime(ref entry);
            if (!Entry(ref entry, time, (int)length))
            {
                Error(_lastError, length);
            }
        }

        Ack(options);
    }

    private void PackedForwardMode(ref MessagePackReader reader, int count, long bytes)
    {
        var packed = reader.NextMessagePackType == MessagePackType.String ? reader.ReadStringSequence() : reader.ReadBytes();
        var options = count >= 3 ? ReadOptions(ref reader) : default;
        if (packed is not { } stream)
        {
            Error(RecordError.Malformed, bytes);
            return;
        }

        if (!stream.IsSingleSegment && options.Compressed is null)
        {
            stream = Contiguous(stream);
        }

        if (options.Compressed is { } compression)
        {
            if (compression != "gzip")
            {
                Error(RecordError.Malformed, bytes);
                return;
            }

            if (!TryInflate(stream, out var inflated, out var oversize))
            {
                Error(oversize ? RecordError.Oversize : RecordError.Malformed, bytes);
                return;
            }

            stream = inflated;
        }

        var entries = 0;
        while (!stream.IsEmpty)
        {
            var scan = MsgPackScanner.Scan(stream, _maxFrameBytes, _maxDepth, out var length);
            if (scan != ScanResult.Complete || ++entries > _maxEntries)
            {
                // The rest of the stream cannot be framed: one malformed record for all of it.
                Error(RecordError.Malformed, stream.Length);
                break;
            }

            var entry = new MessagePackReader(stream.Slice(0, length));
            if (entry.NextMessagePackType != MessagePackType.Array || entry.ReadArrayHeader() != 2)
            {
                Error(RecordError.Malformed, length);
            }
            else
            {
                var time = ReadTime(ref entry);
                if (!Entry(ref entry, time, (int)length))
                {
                    Error(_lastError, length);
                }
            }

            stream = stream.Slice(length);
        }

        Ack(options);
    }

    /// <summary>
    /// Extracts one record; when it succeeds the record is in the sink. When it fails nothing is counted yet: the
    /// caller counts <see cref="_lastError"/> with the entry's whole length (the reader stopped inside it).
    /// </summary>
    private bool Entry(ref MessagePackReader record, long? time, int bytes)
    {
        if (!_extractor.TryExtract(ref record, time, out _lastError))
        {
            return false;
        }

        _records++;
        _bytes += bytes;
        _sink.OnRecord(_extractor.View(bytes));
        return true;
    }

    /// <summary>A packed stream split across the pipe's segments, copied once so its entries are read from one span.</summary>
    private ReadOnlySequence<byte> Contiguous(in ReadOnlySequence<byte> stream)
    {
        if (_contiguous.Length < stream.Length)
        {
            _contiguous = new byte[(int)Math.Min(Math.Max(stream.Length, _contiguous.Length * 2L), _maxFrameBytes)];
        }

        stream.CopyTo(_contiguous);
        return new ReadOnlySequence<byte>(_contiguous, 0, (int)stream.Length);
    }

    /// <summary>An integer of seconds, the EventTime extension, or (from some clients) a float of seconds; null otherwise.</summary>
    private static long? ReadTime(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Integer:
            {
                var seconds = reader.ReadInt64();
                return seconds is > -62_135_596_800 and < 253_402_300_800 ? seconds * 1000 : null;
            }

            case MessagePackType.Float:
            {
                var seconds = reader.ReadDouble();
                return seconds is > -62_135_596_800 and < 253_402_300_800 ? (long)Math.Floor(seconds * 1000) : null;
            }

            case MessagePackType.Extension:
            {
                var header = reader.ReadExtensionFormatHeader();
                var raw = reader.ReadRaw(header.Length);
                if (header.TypeCode != 0 || header.Length != 8)
                {
                    return null;
                }

                Span<byte> bytes = stackalloc byte[8];
                raw.CopyTo(bytes);
                var seconds = BinaryPrimitives.ReadUInt32BigEndian(bytes);
                var nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]);
                return (seconds * 1000L) + (nanoseconds / 1_000_000);
            }

            default:
                reader.Skip();
                return null;
        }
    }

    private static ForwardOptions ReadOptions(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            reader.Skip();
            return default;
        }

        var options = default(ForwardOptions);
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = reader.NextMessagePackType == MessagePackType.String ? reader.ReadString() : null;
            if (key is null)
            {
                reader.Skip();
                reader.Skip();
                continue;
            }

            switch (key)
            {
                case "chunk" when reader.NextMessagePackType == MessagePackType.String:
                    options.Chunk = reader.ReadRaw().ToArray();
                    break;
                case "compressed" when reader.NextMessagePackType == MessagePackType.String:
                    options.Compressed = reader.ReadString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return options;
    }

    private void Ack(ForwardOptions options)
    {
        if (options.Chunk is { } chunk)
        {
            PendingAcks.Add(chunk);
        }
    }

    /// <summary>Inflates a gzip stream (one or more members) into the connection's buffer, never past the message limit.</summary>
    private bool TryInflate(ReadOnlySequence<byte> compressed, out ReadOnlySequence<byte> inflated, out bool oversize)
    {
        inflated = default;
        oversize = false;
        try
        {
            using var gzip = new GZipStream(new SequenceStream(compressed), CompressionMode.Decompress);
            var length = 0;
            while (true)
            {
                if (length == _inflated.Length)
                {
                    if (length >= _maxFrameBytes)
                    {
                        // One byte more than the limit allows tells a stream that fits exactly from one that does not.
                        Span<byte> probe = stackalloc byte[1];
                        oversize = gzip.Read(probe) > 0;
                        if (oversize)
                        {
                            return false;
                        }

                        break;
                    }

                    Array.Resize(ref _inflated, (int)Math.Min(Math.Max(64 * 1024, (long)length * 2), _maxFrameBytes));
                }

                var read = gzip.Read(_inflated, length, _inflated.Length - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            inflated = new ReadOnlySequence<byte>(_inflated, 0, length);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private void Error(RecordError error, long bytes)
    {
        _records++;
        _bytes += bytes;
        switch (error)
        {
            case RecordError.Oversize:
                _oversize++;
                break;
            case RecordError.InvalidUtf8:
                _invalidUtf8++;
                break;
            default:
                _malformed++;
                break;
        }

        _sink.OnError(error, (int)Math.Min(bytes, int.MaxValue));
    }

    private void Flush()
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

    private struct ForwardOptions
    {
        public byte[]? Chunk;
        public string? Compressed;
    }
}
