using System.Globalization;

namespace ShadowAgent.ClosedLoop.Trace;

/// <summary>Reads a NAB series (<c>timestamp,value</c> with a header row, timestamps in UTC, ascending).</summary>
internal static class NabCsv
{
    public static List<(DateTime Time, double Value)> Read(TextReader reader, string name)
    {
        var points = new List<(DateTime, double)>();
        var header = reader.ReadLine();
        if (header is null || !header.StartsWith("timestamp,value", StringComparison.Ordinal))
        {
            throw new FormatException($"{name}: line 1 must be the header 'timestamp,value'");
        }

        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var comma = text.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0
                || !DateTime.TryParse(text.AsSpan(0, comma), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
                || !double.TryParse(text.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || !double.IsFinite(value))
            {
                throw new FormatException($"{name}: line {line} is not 'timestamp,value': '{text}'");
            }

            if (points.Count > 0 && time <= points[^1].Item1)
            {
                throw new FormatException($"{name}: line {line}: timestamp {time:O} does not follow {points[^1].Item1:O}");
            }

            points.Add((time, value));
        }

        return points;
    }
}
