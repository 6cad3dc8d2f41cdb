using System.Globalization;

namespace ShadowAgent.Evaluation.Nab;

/// <summary>Where the scores are high: per window, the first row at or above the threshold and the window's best
/// score; outside windows, the highest scores and where they are. For understanding a detector, not for scoring.</summary>
internal static class NabDiagnostics
{
    public static void Print(TextWriter output, IReadOnlyList<NabSeries> series, double threshold)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"\nthreshold {threshold:G6}"));
        foreach (var s in series)
        {
            var probation = NabScorer.ProbationLength(s.Scores.Length);
            output.WriteLine(string.Create(c, $"{s.Name} rows {s.Scores.Length} probation {probation}"));
            var inWindow = new bool[s.Scores.Length];
            foreach (var (start, end) in s.Windows)
            {
                var first = -1;
                var best = 0.0;
                var bestAt = start;
                for (var i = start; i <= end; i++)
                {
                    inWindow[i] = true;
                    if (first < 0 && s.Scores[i] >= threshold)
                    {
                        first = i;
                    }

                    if (s.Scores[i] > best)
                    {
                        best = s.Scores[i];
                        bestAt = i;
                    }
                }

                var width = end - start + 1;
                output.WriteLine(string.Create(c,
                    $"  window [{start},{end}] w={width}: first hit {(first < 0 ? "none" : $"{first} ({(first - start) / (double)width:F2})")}, best {best:F4} at {bestAt} ({(bestAt - start) / (double)width:F2})"));
            }

            var outside = Enumerable.Range(probation, Math.Max(0, s.Scores.Length - probation))
                .Where(i => !inWindow[i]).OrderByDescending(i => s.Scores[i]).Take(4)
                .Select(i => string.Create(c, $"{s.Scores[i]:F4}@{i}"));
            output.WriteLine("  top outside: " + string.Join(" ", outside));
        }
    }
}
