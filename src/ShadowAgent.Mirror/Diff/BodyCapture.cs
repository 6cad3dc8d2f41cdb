using System.Buffers;

namespace ShadowAgent.Mirror.Diff;

/// <summary>
/// One side's response body kept for a comparison, in a pooled buffer that never grows past the plan's cap: a
/// larger body is marked <see cref="TooLarge"/> and its buffer returned at once, so a big answer costs nothing
/// more than the flag. Filled by one writer, then handed over whole; <see cref="Release"/> returns the buffer.
/// </summary>
internal sealed class BodyCapture
{
    private const int FirstRent = 4096;

    private readonly int _max;
    private byte[]? _buffer;
    private int _length;

    /// <param name="max">The largest body kept.</param>
    /// <param name="expected">The announced length, or -1 when the body is chunked or runs until close.</param>
    public BodyCapture(int max, long expected)
    {
        _max = max;
        if (expected > max)
        {
            TooLarge = true;
            return;
        }

        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(max, expected >= 0 ? Math.Max(expected, 1) : FirstRent));
    }

    /// <summary>The body outgrew the cap; nothing of it is kept.</summary>
    public bool TooLarge { get; private set; }

    /// <summary>The content type says JSON.</summary>
    public bool DeclaredJson { get; set; }

    /// <summary>A content coding (gzip, br) was applied: the bytes are compared as they are, never decoded.</summary>
    public bool Encoded { get; set; }

    public ReadOnlySpan<byte> Span => _buffer is null ? default : _buffer.AsSpan(0, _length);

    public void Append(ReadOnlySpan<byte> data)
    {
        if (TooLarge || data.IsEmpty)
        {
            return;
        }

        if (_length + (long)data.Length > _max)
        {
            TooLarge = true;
            Release();
            return;
        }

        if (_length + data.Length > _buffer!.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(_max, Math.Max(_buffer.Length * 2L, _length + (long)data.Length)));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
    }

    public void Append(in ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            Append(segment.Span);
        }
    }

    /// <summary>Returns the buffer to the pool; the capture is empty afterwards.</summary>
    public void Release()
    {
        var buffer = _buffer;
        _buffer = null;
        _length = 0;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Whether a Content-Type value names JSON (application/json, application/problem+json, text/json).</summary>
    public static bool IsJsonType(ReadOnlySpan<byte> contentType)
    {
        var semicolon = contentType.IndexOf((byte)';');
        var media = semicolon >= 0 ? contentType[..semicolon] : contentType;
        media = media.TrimEnd((byte)' ');
        return media.Length >= 4 && System.Text.Ascii.EqualsIgnoreCase(media[^4..], "json"u8);
    }

    /// <summary>Whether a Content-Encoding value applies a coding (anything but empty or identity).</summary>
    public static bool IsEncoded(ReadOnlySpan<byte> contentEncoding)
    {
        var v = contentEncoding.Trim((byte)' ');
        return !v.IsEmpty && !System.Text.Ascii.EqualsIgnoreCase(v, "identity"u8);
    }
}
