using System.Buffers.Text;

namespace ShadowAgent.Taps.Probes;

/// <summary>
/// Allocation-free reading of the text the kernel writes in /proc and cgroup files: lines, whitespace-separated
/// tokens and unsigned decimal numbers. Every reader returns false on anything it does not recognise instead of
/// throwing, so a malformed or truncated file costs one sample, never the probe.
/// </summary>
internal static class ProcText
{
    /// <summary>Splits off the next line (without its '\n'); false when nothing is left.</summary>
    public static bool NextLine(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> line)
    {
        if (text.IsEmpty)
        {
            line = default;
            return false;
        }

        var nl = text.IndexOf((byte)'\n');
        if (nl < 0)
        {
            line = text;
            text = default;
        }
        else
        {
            line = text[..nl];
            text = text[(nl + 1)..];
        }

        return true;
    }

    /// <summary>Splits off the next token separated by spaces or tabs; false when only blanks are left.</summary>
    public static bool NextToken(ref ReadOnlySpan<byte> line, out ReadOnlySpan<byte> token)
    {
        var start = 0;
        while (start < line.Length && IsBlank(line[start]))
        {
            start++;
        }

        if (start == line.Length)
        {
            token = default;
            line = default;
            return false;
        }

        var end = start;
        while (end < line.Length && !IsBlank(line[end]))
        {
            end++;
        }

        token = line[start..end];
        line = line[end..];
        return true;
    }

    /// <summary>A whole token as an unsigned decimal.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> token, out ulong value) =>
        Utf8Parser.TryParse(token, out value, out var used) && used == token.Length && token.Length > 0;

    /// <summary>A whole token as a signed decimal (cgroup v1 writes -1 for "no quota").</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> token, out long value) =>
        Utf8Parser.TryParse(token, out value, out var used) && used == token.Length && token.Length > 0;

    /// <summary>A whole token as a decimal fraction ("41.99").</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> token, out double value) =>
        Utf8Parser.TryParse(token, out value, out var used, 'G') && used == token.Length && token.Length > 0 && double.IsFinite(value);

    /// <summary>The next token as an unsigned decimal.</summary>
    public static bool NextUInt64(ref ReadOnlySpan<byte> line, out ulong value)
    {
        value = 0;
        return NextToken(ref line, out var token) && TryParseUInt64(token, out value);
    }

    /// <summary>The file's content without surrounding whitespace (single-value files end in '\n').</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>
    /// The value of "key value" in a flat-keyed file (cgroup cpu.stat, memory.stat): the line whose first token
    /// is exactly <paramref name="key"/>.
    /// </summary>
    public static bool TryGetKeyed(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key, out ulong value)
    {
        while (NextLine(ref text, out var line))
        {
            if (NextToken(ref line, out var name) && name.SequenceEqual(key))
            {
                return NextUInt64(ref line, out value);
            }
        }

        value = 0;
        return false;
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t';

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
}
