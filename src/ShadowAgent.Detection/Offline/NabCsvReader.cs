using System.Globalization;

namespace ShadowAgent.Detection.Offline;

/// <summary>
/// Reads NAB's series format: a header line <c>timestamp,value</c>, then one <c>yyyy-MM-dd HH:mm:ss,value</c>
/// row per line (fractional seconds allowed), timestamps not decreasing. Streaming: one row at a time. Every
/// problem stops the read with a <see cref="NabCsvException"/> naming the line — nothing is skipped silently.
/// Blank lines at the end of the file are allowed; blank lines between rows are not.
/// </summary>
public sealed class NabCsvReader
{
    private static readonly string[] Formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];

    private readonly TextReader _input;
    private readonly string _source;
    private long _line;
    private long _blankAt;
    private DateTime _previous = DateTime.MinValue;
    private bool _headerRead;

    /// <param name="input">The CSV text.</param>
    /// <param name="source">Name used in error messages (usually the path).</param>
    public NabCsvReader(TextReader input, string source)
    {
        _input = input;
        _source = source;
    }

    /// <summary>Reads the next row; false at the end of the input.</summary>
    /// <exception cref="NabCsvException">The header or a row is malformed, or timestamps go backwards.</exception>
    public bool TryRead(out NabRow row)
    {
        row = default;
        if (!_headerRead)
        {
            ReadHeader();
        }

        while (true)
        {
            var text = _input.ReadLine();
            if (text is null)
            {
                return false;
            }

            _line++;
            if (text.AsSpan().Trim().IsEmpty)
            {
                _blankAt = _blankAt == 0 ? _line : _blankAt;
                continue;
            }

            if (_blankAt != 0)
            {
                throw Error(_blankAt, "blank line between rows");
            }

            row = Parse(text);
            return true;
        }
    }

    private void ReadHeader()
    {
        _headerRead = true;
        var header = _input.ReadLine();
        _line++;
        if (header is null)
        {
            throw Error(_line, "empty input: expected the header 'timestamp,value'");
        }

        var columns = header.Trim().TrimStart('\uFEFF');
        if (!columns.Equals("timestamp,value", StringComparison.OrdinalIgnoreCase))
        {
            throw Error(_line, $"expected the header 'timestamp,value', found '{Shorten(header)}'");
        }
    }

    private NabRow Parse(string text)
    {
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || text.IndexOf(',', comma + 1) >= 0)
        {
            throw Error(_line, $"expected two fields 'timestamp,value', found '{Shorten(text)}'");
        }

        var timestampText = text[..comma].Trim();
        var valueText = text[(comma + 1)..].Trim();
        if (!DateTime.TryParseExact(timestampText, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var timestamp))
        {
            throw Error(_line, $"timestamp '{Shorten(timestampText)}' is not yyyy-MM-dd HH:mm:ss");
        }

        if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Error(_line, $"value '{Shorten(valueText)}' is not a finite number");
        }

        if (timestamp < _previous)
        {
            throw Error(_line, $"timestamp {timestampText} is earlier than the row before it");
        }

        _previous = timestamp;
        return new NabRow(_line, timestamp, timestampText, value, valueText);
    }

    private NabCsvException Error(long line, string problem) => new(_source, line, problem);

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
