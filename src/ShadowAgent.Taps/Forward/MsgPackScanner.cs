using System.Buffers;
using System.Buffers.Binary;

namespace ShadowAgent.Taps.Forward;

internal enum ScanResult
{
    /// <summary>One whole value is in the buffer; its length is known.</summary>
    Complete,

    /// <summary>The value continues past the end of the buffer.</summary>
    Incomplete,

    /// <summary>Not MessagePack (the reserved code 0xc1).</summary>
    Malformed,

    /// <summary>A length or count claims more bytes than a message may have.</summary>
    TooLarge,

    /// <summary>Arrays and maps nest deeper than allowed.</summary>
    TooDeep,
}

/// <summary>
/// Finds where one MessagePack value ends without decoding it, iteratively (an explicit stack of counts, so hostile
/// nesting cannot overflow the thread's stack), checking every length and count against the message limit before
/// trusting it: a str32 claiming 4 GB is rejected at its header, never allocated or waited for. Only values that
/// pass this scan are handed to <c>MessagePackReader</c>, whose skipping recurses. Contiguous buffers take a span
/// path; values split across segments a <see cref="SequenceReader{T}"/> path with the same header rules.
/// </summary>
internal static class MsgPackScanner
{
    public const int MaxSupportedDepth = 128;

    /// <summary>
    /// Scans the value at the start of <paramref name="buffer"/>. When incomplete, <paramref name="length"/> is a
    /// lower bound of the bytes the value needs, so a caller can wait for that many before scanning again.
    /// </summary>
    public static ScanResult Scan(in ReadOnlySequence<byte> buffer, long maxBytes, int maxDepth, out long length)
    {
        Span<long> counts = stackalloc long[Math.Min(maxDepth, MaxSupportedDepth) + 1];
        return buffer.IsSingleSegment
            ? ScanSpan(buffer.FirstSpan, maxBytes, counts, out length)
            : ScanSequence(buffer, maxBytes, counts, out length);
    }

    private static ScanResult ScanSpan(ReadOnlySpan<byte> data, long maxBytes, Span<long> counts, out long length)
    {
        var top = 0;
        counts[0] = 1;
        var position = 0L;
        while (true)
        {
            while (top >= 0 && counts[top] == 0)
            {
                top--;
            }

            if (top < 0)
            {
                length = position;
                return position > maxBytes ? ScanResult.TooLarge : ScanResult.Complete;
            }

            counts[top]--;
            if (position >= maxBytes)
            {
                // Another value would start past the limit (the fast paths below do not check it per value).
                length = 0;
                return ScanResult.TooLarge;
            }

            if (position >= data.Length)
            {
                length = position + 1;
                return ScanResult.Incomplete;
            }

            var code = data[(int)position++];

            // The codes records are made of, without the general path: scalars, short strings, small containers.
            if (code <= 0x7f || code >= 0xe0 || code is 0xc0 or 0xc2 or 0xc3)
            {
                continue;
            }

            if (code is >= 0xa0 and <= 0xbf)
            {
                var skipShort = code & 0x1f;
                if (data.Length - position < skipShort)
                {
                    length = position + skipShort;
                    return ScanResult.Incomplete;
                }

                position += skipShort;
                continue;
            }

            if (code is >= 0x80 and <= 0x9f)
            {
                var children = code <= 0x8f ? 2 * (code & 0x0f) : code & 0x0f;
                if (children > 0)
                {
                    if (top + 1 >= counts.Length)
                    {
                        length = 0;
                        return ScanResult.TooDeep;
                    }

                    counts[++top] = children;
                }

                continue;
            }

            var header = HeaderBytes(code);
            if (header < 0)
            {
                length = 0;
                return ScanResult.Malformed;
            }

            if (data.Length - position < header)
            {
                length = position + header;
                return ScanResult.Incomplete;
            }

            var raw = header switch
            {
                0 => 0,
                1 => data[(int)position],
                2 => BinaryPrimitives.ReadUInt16BigEndian(data[(int)position..]),
                _ => (long)BinaryPrimitives.ReadUInt32BigEndian(data[(int)position..]),
            };
            position += header;
            var result = Step(code, raw, position, maxBytes, counts, ref top, out var skip);
            if (result != ScanResult.Complete)
            {
                length = 0;
                return result;
            }

            if (data.Length - position < skip)
            {
                length = position + skip;
                return ScanResult.Incomplete;
            }

            position += skip;
        }
    }

    private static ScanResult ScanSequence(in ReadOnlySequence<byte> buffer, long maxBytes, Span<long> counts, out long length)
    {
        var reader = new SequenceReader<byte>(buffer);
        var top = 0;
        counts[0] = 1;
        Span<byte> lengthBytes = stackalloc byte[4];
        while (true)
        {
            while (top >= 0 && counts[top] == 0)
            {
                top--;
            }

            if (top < 0)
            {
                length = reader.Consumed;
                return length > maxBytes ? ScanResult.TooLarge : ScanResult.Complete;
            }

            counts[top]--;
            if (reader.Consumed >= maxBytes)
            {
                length = 0;
                return ScanResult.TooLarge;
            }

            if (!reader.TryRead(out var code))
            {
                length = reader.Consumed + 1;
                return ScanResult.Incomplete;
            }

            var header = HeaderBytes(code);
            if (header < 0)
            {
                length = 0;
                return ScanResult.Malformed;
            }

            if (!reader.TryCopyTo(lengthBytes[..header]))
            {
                length = reader.Consumed + header;
                return ScanResult.Incomplete;
            }

            reader.Advance(header);
            var raw = header switch
            {
                0 => 0,
                1 => lengthBytes[0],
                2 => BinaryPrimitives.ReadUInt16BigEndian(lengthBytes),
                _ => (long)BinaryPrimitives.ReadUInt32BigEndian(lengthBytes),
            };
            var result = Step(code, raw, reader.Consumed, maxBytes, counts, ref top, out var skip);
            if (result != ScanResult.Complete)
            {
                length = 0;
                return result;
            }

            if (reader.Remaining < skip)
            {
                length = reader.Consumed + skip;
                return ScanResult.Incomplete;
            }

            reader.Advance(skip);
        }
    }

    /// <summary>Bytes of length or count after the code, or -1 for the reserved code.</summary>
    private static int HeaderBytes(byte code) => code switch
    {
        0xc1 => -1,
        0xc4 or 0xd9 or 0xc7 => 1,
        0xc5 or 0xda or 0xc8 or 0xdc or 0xde => 2,
        0xc6 or 0xdb or 0xc9 or 0xdd or 0xdf => 4,
        _ => 0,
    };

    /// <summary>
    /// From a code and its length or count: the payload bytes to skip, or the children to expect (pushed on the
    /// stack). Every element takes at least one byte, so a count is bounded by the limit as a length is.
    /// </summary>
    private static ScanResult Step(byte code, long raw, long position, long maxBytes, Span<long> counts, ref int top, out long skip)
    {
        skip = 0;
        long children = 0;
        switch (code)
        {
            case <= 0x7f or >= 0xe0 or 0xc0 or 0xc2 or 0xc3:
                return ScanResult.Complete;
            case <= 0x8f:
                children = 2L * (code & 0x0f);
                break;
            case <= 0x9f:
                children = code & 0x0f;
                break;
            case <= 0xbf:
                skip = code & 0x1f;
                return ScanResult.Complete;
            case 0xc4 or 0xc5 or 0xc6 or 0xd9 or 0xda or 0xdb:
                skip = raw;
                break;
            case 0xc7 or 0xc8 or 0xc9:
                skip = raw + 1;
                break;
            case 0xca or 0xce or 0xd2:
                skip = 4;
                return ScanResult.Complete;
            case 0xcb or 0xcf or 0xd3:
                skip = 8;
                return ScanResult.Complete;
            case 0xcc or 0xd0:
                skip = 1;
                return ScanResult.Complete;
            case 0xcd or 0xd1 or 0xd4:
                skip = 2;
                return ScanResult.Complete;
            case 0xd5:
                skip = 3;
                return ScanResult.Complete;
            case 0xd6:
                skip = 5;
                return ScanResult.Complete;
            case 0xd7:
                skip = 9;
                return ScanResult.Complete;
            case 0xd8:
                skip = 17;
                return ScanResult.Complete;
            case 0xdc or 0xdd:
                children = raw;
                break;
            default: // 0xde, 0xdf
                children = 2 * raw;
                break;
        }

        if (position + skip > maxBytes || position + children > maxBytes)
        {
            return ScanResult.TooLarge;
        }

        if (children > 0)
        {
            if (top + 1 >= counts.Length)
            {
                return ScanResult.TooDeep;
            }

            counts[++top] = children;
        }

        return ScanResult.Complete;
    }
}
