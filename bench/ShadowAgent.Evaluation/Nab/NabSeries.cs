namespace ShadowAgent.Evaluation.Nab;

/// <summary>One series' timestamps, its detector scores and its labelled anomaly windows (row indices, inclusive).</summary>
internal sealed record NabSeries(string Name, DateTime[] Timestamps, double[] Scores, IReadOnlyList<(int Start, int End)> Windows)
{
    /// <summary>Maps windows given as timestamps onto rows: exact matches as NAB requires, else the first row at
    /// or after the start and the last row at or before the end.</summary>
    public static IReadOnlyList<(int Start, int End)> MapWindows(DateTime[] timestamps, IEnumerable<(DateTime Start, DateTime End)> windows)
    {
        var rows = new List<(int, int)>();
        foreach (var (start, end) in windows)
        {
            var s = Array.BinarySearch(timestamps, start);
            s = s >= 0 ? s : ~s;
            var e = Array.BinarySearch(timestamps, end);
            e = e >= 0 ? e : ~e - 1;
            if (s < timestamps.Length && e >= s)
            {
                rows.Add((s, e));
            }
        }

        return rows;
    }
}
