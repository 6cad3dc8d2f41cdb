using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace ShadowAgent.Mirror.Http;

/// <summary>
/// Reads HTTP/1.x heads (RFC 9112 §2-§6) strictly: CRLF line ends, no obsolete line folding, no whitespace
/// before a colon, one agreed Content-Length, and for requests no Transfer-Encoding together with
/// Content-Length — the ambiguities request smuggling lives on are refused rather than guessed.
/// </summary>
internal static class HttpHeadParser
{
    private const int MaxHeaders = 128;

    /// <summary>
    /// Finds a complete head at the start of <paramref name="buffer"/> and parses it into <paramref name="head"/>.
    /// On <see cref="HeadResult.Parsed"/> the buffer is advanced past the head.
    /// </summary>
    public static HeadResult TryRead(ref ReadOnlySequence<byte> buffer, HttpHead head, int maxBytes, bool request)
    {
        // RFC 9112 §2.2: a server ignores at least one empty line before the request line.
        var reader = new SequenceReader<byte>(buffer);
        while (reader.IsNext("\r\n"u8, advancePast: true))
        {
        }

        var start = reader.Position;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> raw, "\r\n\r\n"u8, advancePastDelimiter: true))
        {
            return reader.Remaining > maxBytes ? HeadResult.TooLarge : HeadResult.Incomplete;
        }

        var length = (int)Math.Min(raw.Length + 4, int.MaxValue);
        if (raw.Length + 4 > maxBytes)
        {
            return HeadResult.TooLarge;
        }

        var span = head.Reset(length);
        buffer.Slice(start, length).CopyTo(span);
        buffer = buffer.Slice(reader.Position);
        return Parse(head, request);
    }

    private static HeadResult Parse(HttpHead head, bool request)
    {
        var all = head.Span;
        var firstEnd = all.IndexOf("\r\n"u8);
        head.StartLineLength = firstEnd;
        if (!(request ? ParseRequestLine(head, all[..firstEnd]) : ParseStatusLine(head, all[..firstEnd])))
        {
            return HeadResult.Malformed;
        }

        var pos = firstEnd + 2;
        var end = all.Length - 2;
        var count = 0;
        while (pos < end)
        {
            var lineEnd = all[pos..].IndexOf("\r\n"u8);
            if (lineEnd <= 0 || ++count > MaxHeaders)
            {
                return lineEnd <= 0 ? HeadResult.Malformed : HeadResult.TooLarge;
            }

            if (!ParseHeader(head, all.Slice(pos, lineEnd), pos))
            {
                return HeadResult.Malformed;
            }

            pos += lineEnd + 2;
        }

        return Frame(head, request) ? HeadResult.Parsed : HeadResult.Malformed;
    }

    private static bool ParseRequestLine(HttpHead head, ReadOnlySpan<byte> line)
    {
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0 || !IsToken(line[..sp1]))
        {
            return false;
        }

        var rest = line[(sp1 + 1)..];
        var sp2 = rest.IndexOf((byte)' ');
        if (sp2 <= 0)
        {
            return false;
        }

        var target = rest[..sp2];
        foreach (var b in target)
        {
            if (b <= 0x20 || b >= 0x7F)
            {
                return false;
            }
        }

        if (!TryVersion(rest[(sp2 + 1)..], out var minor))
        {
            return false;
        }

        head.Method = new Range(0, sp1);
        head.Target = new Range(sp1 + 1, sp1 + 1 + sp2);
        head.MinorVersion = minor;
        return true;
    }

    private static bool ParseStatusLine(HttpHead head, ReadOnlySpan<byte> line)
    {
        // HTTP/1.1 200 OK — the reason may be empty, and the space before it is required.
        if (line.Length < 12 || !TryVersion(line[..8], out var minor) || line[8] != ' ' || (line.Length > 12 && line[12] != ' '))
        {
            return false;
        }

        if (!Utf8Parser.TryParse(line.Slice(9, 3), out int status, out var used) || used != 3 || status < 100)
        {
            return false;
        }

        head.MinorVersion = minor;
        head.StatusCode = status;
        return true;
    }

    private static bool TryVersion(ReadOnlySpan<byte> version, out int minor)
    {
        minor = 0;
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            minor = 1;
            return true;
        }

        return version.SequenceEqual("HTTP/1.0"u8);
    }

    private static bool ParseHeader(HttpHead head, ReadOnlySpan<byte> line, int offset)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || !IsToken(line[..colon]))
        {
            // Also refuses obsolete line folding (a line starting with whitespace) and "Name :".
            return false;
        }

        var valueStart = colon + 1;
        var valueEnd = line.Length;
        while (valueStart < valueEnd && line[valueStart] is (byte)' ' or (byte)'\t')
        {
            valueStart++;
        }

        while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t')
        {
            valueEnd--;
        }

        var value = line[valueStart..valueEnd];
        foreach (var b in value)
        {
            if ((b < 0x20 && b != '\t') || b == 0x7F)
            {
                return false;
            }
        }

        var header = new HeaderRange(offset, colon, offset + valueStart, valueEnd - valueStart, offset, line.Length);
        head.Add(header);
        return Interpret(head, line[..colon], value);
    }

    private static bool Interpret(HttpHead head, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            if (value.IsEmpty || value.Length > 18 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
            {
                return false;
            }

            var length = long.Parse(value, provider: null);
            if (head.ContentLength >= 0 && head.ContentLength != length)
            {
                return false;
            }

            head.ContentLength = length;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            // Only the last coding decides the framing (RFC 9112 §6.3); a later header line extends the list.
            var last = LastToken(value);
            head.Chunked = Ascii.EqualsIgnoreCase(last, "chunked"u8);
            head.OtherTransferEncoding = !head.Chunked;
        }
        else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
        {
            foreach (var token in Tokens(value))
            {
                if (Ascii.EqualsIgnoreCase(token, "close"u8))
                {
                    head.ConnectionClose = true;
                }
                else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8))
                {
                    head.ConnectionKeepAlive = true;
                }

                head.ConnectionTokens.Add(Encoding.ASCII.GetString(token).ToLowerInvariant());
            }
        }
        else if (Ascii.EqualsIgnoreCase(name, "Expect"u8))
        {
            if (Ascii.EqualsIgnoreCase(value, "100-continue"u8))
            {
                head.ExpectContinue = true;
            }
            else
            {
                head.ExpectOther = true;
            }
        }

        return true;
    }

    private static bool Frame(HttpHead head, bool request)
    {
        if (!request)
        {
            return true;
        }

        // RFC 9112 §6.1 and §6.3: both framings at once, a non-chunked final coding, or chunked from an
        // HTTP/1.0 client cannot be framed reliably by a request's recipient.
        var hasTe = head.Chunked || head.OtherTransferEncoding;
        return !hasTe || (head.Chunked && head.ContentLength < 0 && head.MinorVersion == 1);
    }

    private static ReadOnlySpan<byte> LastToken(ReadOnlySpan<byte> list)
    {
        ReadOnlySpan<byte> last = default;
        foreach (var token in Tokens(list))
        {
            last = token;
        }

        return last;
    }

    private static List<byte[]> Tokens(ReadOnlySpan<byte> list)
    {
        var tokens = new List<byte[]>();
        foreach (var part in list.Split((byte)','))
        {
            var token = list[part].Trim(" \t"u8);
            if (!token.IsEmpty)
            {
                tokens.Add(token.ToArray());
            }
        }

        return tokens;
    }

    private static bool IsToken(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (!IsTokenChar(b))
            {
                return false;
            }
        }

        return !s.IsEmpty;
    }

    // RFC 9110 §5.6.2 tchar.
    private static bool IsTokenChar(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
            or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';
}
