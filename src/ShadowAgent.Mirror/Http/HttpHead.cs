using System.Text;

namespace ShadowAgent.Mirror.Http;

/// <summary>
/// One parsed HTTP/1.x head (request or response), held as a copy of its bytes with ranges into them, so the
/// proxy forwards names, values and their order byte for byte. Reused across the requests of a connection.
/// </summary>
internal sealed class HttpHead
{
    private readonly List<HeaderRange> _headers = [];

    public HttpHead(int capacity) => Buffer = new byte[capacity];

    public byte[] Buffer { get; private set; }

    /// <summary>Bytes of the head, the final empty line included.</summary>
    public int Length { get; private set; }

    /// <summary>The first line without its CRLF.</summary>
    public int StartLineLength { get; set; }

    public IReadOnlyList<HeaderRange> Headers => _headers;

    // Request line.
    public Range Method { get; set; }

    public Range Target { get; set; }

    // Response line.
    public int StatusCode { get; set; }

    /// <summary>1 for HTTP/1.1, 0 for HTTP/1.0.</summary>
    public int MinorVersion { get; set; }

    /// <summary>Content-Length, or -1 when absent.</summary>
    public long ContentLength { get; set; }

    /// <summary>Transfer-Encoding ends with chunked.</summary>
    public bool Chunked { get; set; }

    /// <summary>Transfer-Encoding present but not ending with chunked (a response is then read to the close).</summary>
    public bool OtherTransferEncoding { get; set; }

    public bool ConnectionClose { get; set; }

    public bool ConnectionKeepAlive { get; set; }

    public bool ExpectContinue { get; set; }

    /// <summary>An Expect header other than 100-continue.</summary>
    public bool ExpectOther { get; set; }

    /// <summary>Header names listed in Connection, lower-cased: hop-by-hop for this message only.</summary>
    public List<string> ConnectionTokens { get; } = [];

    /// <summary>Whether the connection stays open after this message for its sender's version and headers.</summary>
    public bool KeepAlive => MinorVersion >= 1 ? !ConnectionClose : ConnectionKeepAlive && !ConnectionClose;

    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    public ReadOnlySpan<byte> MethodBytes => Buffer.AsSpan(Method);

    public ReadOnlySpan<byte> TargetBytes => Buffer.AsSpan(Target);

    /// <summary>The target's path, without the query.</summary>
    public ReadOnlySpan<byte> PathBytes
    {
        get
        {
            var target = TargetBytes;
            var q = target.IndexOf((byte)'?');
            return q < 0 ? target : target[..q];
        }
    }

    public bool IsHead => MethodBytes.SequenceEqual("HEAD"u8);

    public ReadOnlySpan<byte> Name(HeaderRange h) => Buffer.AsSpan(h.NameStart, h.NameLength);

    public ReadOnlySpan<byte> Value(HeaderRange h) => Buffer.AsSpan(h.ValueStart, h.ValueLength);

    public ReadOnlySpan<byte> Line(HeaderRange h) => Buffer.AsSpan(h.LineStart, h.LineLength);

    /// <summary>The first value of a header, or empty.</summary>
    public ReadOnlySpan<byte> Find(ReadOnlySpan<byte> name)
    {
        foreach (var h in _headers)
        {
            if (Ascii.EqualsIgnoreCase(Name(h), name))
            {
                return Value(h);
            }
        }

        return default;
    }

    /// <summary>Clears and copies <paramref name="length"/> bytes for parsing.</summary>
    public Span<byte> Reset(int length)
    {
        if (Buffer.Length < length)
        {
            Buffer = new byte[Math.Max(length, Buffer.Length * 2)];
        }

        Length = length;
        _headers.Clear();
        ConnectionTokens.Clear();
        Method = default;
        Target = default;
        StatusCode = 0;
        MinorVersion = 1;
        ContentLength = -1;
        Chunked = false;
        OtherTransferEncoding = false;
        ConnectionClose = false;
        ConnectionKeepAlive = false;
        ExpectContinue = false;
        ExpectOther = false;
        StartLineLength = 0;
        return Buffer.AsSpan(0, length);
    }

    public void Add(in HeaderRange header) => _headers.Add(header);

    /// <summary>Whether a header is hop-by-hop for this message (RFC 9110 §7.6.1), and so not forwarded.</summary>
    public bool IsHopByHop(HeaderRange h)
    {
        var name = Name(h);
        if (HopByHop.IsAlways(name))
        {
            return true;
        }

        if (ConnectionTokens.Count == 0)
        {
            return false;
        }

        Span<char> lower = stackalloc char[Math.Min(name.Length, 256)];
        if (name.Length > 256)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            lower[i] = (char)(name[i] | 0x20);
        }

        foreach (var token in ConnectionTokens)
        {
            if (lower.SequenceEqual(token))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Encoding.ASCII.GetString(Span);
}
