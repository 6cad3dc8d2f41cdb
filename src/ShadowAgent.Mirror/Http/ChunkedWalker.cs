using System.Buffers;

namespace ShadowAgent.Mirror.Http;

/// <summary>
/// Follows a chunked body (RFC 9112 §7.1) as it streams past, so the proxy can relay the raw bytes verbatim and
/// still know where the body ends; the decoded data can be copied aside (the shadow's copy of the body).
/// Extensions are skipped; trailers are relayed with the rest.
/// </summary>
internal struct ChunkedWalker
{
    private const int MaxLineBytes = 4096;

    private Phase _phase;
    private long _remaining;

    private enum Phase
    {
        Size,
        Data,
        DataEnd,
        Trailer,
        Done,
    }

    public readonly bool IsDone => _phase == Phase.Done;

    public void Reset()
    {
        _phase = Phase.Size;
        _remaining = 0;
    }

    /// <summary>
    /// Walks as far as <paramref name="buffer"/> allows. <paramref name="consumed"/> is where the walk stopped: the
    /// caller relays the bytes before it and keeps the rest for the next call.
    /// </summary>
    /// <param name="decoded">Receives the chunks' data; null to skip it.</param>
    /// <returns>False when the framing is broken.</returns>
    public bool Walk(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, Action<ReadOnlySequence<byte>>? decoded)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (_phase != Phase.Done)
        {
            switch (_phase)
            {
                case Phase.Size:
                    if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
                    {
                        consumed = reader.Position;
                        return reader.Remaining <= MaxLineBytes;
                    }

                    if (!TryParseSize(line, out _remaining))
                    {
                        consumed = reader.Position;
                        return false;
                    }

                    _phase = _remaining == 0 ? Phase.Trailer : Phase.Data;
                    break;
                case Phase.Data:
                    if (reader.End)
                    {
                        consumed = reader.Position;
                        return true;
                    }

                    var take = Math.Min(_remaining, reader.Remaining);
                    decoded?.Invoke(reader.UnreadSequence.Slice(0, take));
                    reader.Advance(take);
                    _remaining -= take;
                    if (_remaining == 0)
                    {
                        _phase = Phase.DataEnd;
                    }

                    break;
                case Phase.DataEnd:
                    if (reader.Remaining < 2)
                    {
                        consumed = reader.Position;
                        return true;
                    }

                    if (!reader.IsNext("\r\n"u8, advancePast: true))
                    {
                        consumed = reader.Position;
                        return false;
                    }

                    _phase = Phase.Size;
                    break;
                case Phase.Trailer:
                    if (!reader.TryReadTo(out ReadOnlySequence<byte> field, (byte)'\n'))
                    {
                        consumed = reader.Position;
                        return reader.Remaining <= MaxLineBytes;
                    }

                    if (field.Length > MaxLineBytes || field.IsEmpty || !EndsWithCr(field))
                    {
                        consumed = reader.Position;
                        return false;
                    }

                    if (field.Length == 1)
                    {
                        _phase = Phase.Done;
                    }

                    break;
            }
        }

        consumed = reader.Position;
        return true;
    }

    private static bool EndsWithCr(in ReadOnlySequence<byte> line) => line.Slice(line.Length - 1).FirstSpan[0] == '\r';

    private static bool TryParseSize(in ReadOnlySequence<byte> line, out long size)
    {
        size = 0;
        if (line.Length is < 2 or > MaxLineBytes || !EndsWithCr(line))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[(int)line.Length - 1];
        line.Slice(0, bytes.Length).CopyTo(bytes);
        var digits = 0;
        foreach (var b in bytes)
        {
            int v;
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                v = b - '0';
            }
            else if ((b | 0x20) is >= (byte)'a' and <= (byte)'f')
            {
                v = (b | 0x20) - 'a' + 10;
            }
            else if (b is (byte)';' or (byte)' ' or (byte)'\t')
            {
                // Chunk extensions (and the whitespace some senders put before them) are not ours to read.
                break;
            }
            else
            {
                return false;
            }

            if (++digits > 15)
            {
                return false;
            }

            size = (size << 4) | (uint)v;
        }

        return digits > 0;
    }
}
