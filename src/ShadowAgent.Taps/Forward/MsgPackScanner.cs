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
/// pass this scan are handed to <c>MessagePackReader</c>, whose skipping recurses.
/// </summary>
internal static class MsgPackScanner
{
    public const int MaxSupportedDepth = 128;

    public static ScanResult Scan(in ReadOnlySequence<byte> buffer, long maxBytes, int maxDepth, out long length)
    {
        length = 0;
        var reader = new SequenceReader<byte>(buffer);
        Span<long> counts = stackalloc long[Math.Min(maxDepth, MaxSupportedDepth) + 1];
        var top = 0;
        counts[0] = 1;
        while (true)
        {
            while (top >= 0 && counts[top] == 0)
            {
                top--;
            }

            if (top < 0)
            {
                length = reader.Consumed;
                return ScanResult.Complete;
            }

            counts[top]--;
            if (!reader.TryRead(out var code))
            {
                return ScanResult.Incomplete;
            }

            long skip = 0;
            long children = -1;
            switch (code)
            {
                case <= 0x7f or >= 0xe0 or 0xc0 or 0xc2 or 0xc3:
                    break;
                case <= 0x8f:
                    children = 2L * (code & 0x0f);
                    break;
                case <= 0x9f:
                    children = code & 0x0f;
                    break;
                case <= 0xbf:
                    skip = code & 0x1f;
                    break;
                case 0xc1:
                    return ScanResult.Malformed;
                case 0xc4 or 0xd9:
                    if (!TryReadLength(ref reader, 1, out skip))
                    {
                        return ScanResult.Incomplete;
                    }

                    break;
                case 0xc5 or 0xda:
                    if (!TryReadLength(ref reader, 2, out skip))
                    {
                        return ScanResult.Incomplete;
                    }

                    break;
                case 0xc6 or 0xdb:
                    if (!TryReadLength(ref reader, 4, out skip))
                    {
                        return ScanResult.Incomplete;
                    }

                    break;
                case 0xc7:
                    if (!TryReadLength(ref reader, 1, out skip))
                    {
                        return ScanResult.Incomplete;
                    }

                    skip++;
                    break;
                case 0xc8:
                    if (!TryReadLength(ref reader, 2, out skip))
                    {
                        return ScanResult.Incomplete;
                    }

                    skip++;
                    break;
                case 0xc9:
                    if (!TryReadLength(ref reader, 4, out skip))
                    {
                        return ScanResult.Incomplete;
                    }

                    skip++;
                    break;
                case 0xca or 0xce or 0xd2:
                    skip = 4;
                    break;
                case 0xcb or 0xcf or 0xd3:
                    skip = 8;
                    break;
                case 0xcc or 0xd0:
                    skip = 1;
                    break;
                case 0xcd or 0xd1:
                    skip = 2;
                    break;
                case 0xd4:
                    skip = 2;
                    break;
                case 0xd5:
                    skip = 3;
                    break;
                case 0xd6:
                    skip = 5;
                    break;
                case 0xd7:
                    skip = 9;
                    break;
                case 0xd8:
                    skip = 17;
                    break;
                case 0xdc:
                    if (!TryReadLength(ref reader, 2, out children))
                    {
                        return ScanResult.Incomplete;
                    }

                    break;
                case 0xdd:
                    if (!TryReadLength(ref reader, 4, out children))
                    {
                        return ScanResult.Incomplete;
                    }

                    break;
                case 0xde:
                    if (!TryReadLength(ref reader, 2, out children))
                    {
                        return ScanResult.Incomplete;
                    }

                    children *= 2;
                    break;
                default: // 0xdf
                    if (!TryReadLength(ref reader, 4, out children))
                    {
                        return ScanResult.Incomplete;
                    }

                    children *= 2;
                    break;
            }

            // Every element takes at least one byte, so a count is bounded by the limit as a length is.
            if (reader.Consumed + skip > maxBytes || reader.Consumed + children > maxBytes)
            {
                return ScanResult.TooLarge;
            }

            if (reader.Remaining < skip)
            {
                return ScanResult.Incomplete;
            }

            reader.Advance(skip);
            if (children > 0)
            {
                if (top + 1 >= counts.Length)
                {
                    return ScanResult.TooDeep;
                }

                counts[++top] = children;
            }
        }
    }

    private static bool TryReadLength(ref SequenceReader<byte> reader, int bytes, out long value)
    {
        value = 0;
        Span<byte> raw = stackalloc byte[4];
        if (!reader.TryCopyTo(raw[..bytes]))
        {
            return false;
        }

        reader.Advance(bytes);
        value = bytes switch
        {
            1 => raw[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(raw),
            _ => BinaryPrimitives.ReadUInt32BigEndian(raw),
        };
        return true;
    }
}
