using ShadowAgent.Detection.Ensemble;

namespace ShadowAgent.Detection.Offline;

/// <summary>
/// The offline path: a NAB-format series streamed row by row through the same <see cref="SeriesDetector"/>
/// the agent runs live, each row scored before the next is read (no look-ahead). Used by the agent's
/// <c>detect</c> command and by the NAB evaluation harness.
/// </summary>
public static class CsvDetection
{
    /// <summary>Scores every row of <paramref name="input"/>, handing each row and its score to <paramref name="onRow"/>.</summary>
    /// <returns>Rows scored.</returns>
    /// <exception cref="NabCsvException">A line cannot be read; rows before it were already handed over.</exception>
    public static long Run(TextReader input, string source, DetectionOptions options, Action<NabRow, SeriesScore> onRow)
    {
        var reader = new NabCsvReader(input, source);
        var detector = new SeriesDetector(options);
        long rows = 0;
        while (reader.TryRead(out var row))
        {
            onRow(row, detector.Observe(row.Value));
            rows++;
        }

        return rows;
    }
}
