namespace ShadowAgent.Evaluation.Nab;

/// <summary>
/// NAB scoring, written from its definition (Lavin &amp; Ahmad 2015, "Evaluating Real-time Anomaly Detection
/// Algorithms — the Numenta Anomaly Benchmark", and the corpus README):
/// <list type="bullet">
/// <item>a row is a detection when its score is at or above the threshold;</item>
/// <item>inside a window only the best (earliest) detection counts, worth tp·σ(position)/σ(−1) where position
/// = −(end − i + 1)/width runs from −1 at the window's first row to about 0 at its last, and
/// σ(y) = 2/(1 + e^(5y)) − 1 is the scaled sigmoid; a window without detection costs −fn;</item>
/// <item>each detection outside every window costs fp·σ(distance), distance being how far past the preceding
/// window's end it is in units of (that window's width − 1), and −fp when no window precedes it
/// (σ is −1 from 3 on);</item>
/// <item>the first min(⌊15% of the rows⌋, 750) rows are probationary and not scored at all;</item>
/// <item>one threshold per detector and profile, the one that maximizes the corpus total;</item>
/// <item>normalized = 100·(raw − null)/(perfect − null), null being the total with no detection and perfect
/// the number of windows times tp.</item>
/// </list>
/// </summary>
internal static class NabScorer
{
    public const double ProbationPercent = 0.15;

    /// <summary>σ(−1): the unweighted value of a detection on a window's first row.</summary>
    public static readonly double MaxTp = ScaledSigmoid(-1);

    public static double ScaledSigmoid(double position) =>
        position >= 3 ? -1 : (2 / (1 + Math.Exp(5 * position))) - 1;

    public static int ProbationLength(int rows) => (int)Math.Min(Math.Floor(ProbationPercent * rows), ProbationPercent * 5000);

    /// <summary>How each row of a series would count if it were a detection.</summary>
    public static RowValue[] Sweep(NabSeries series)
    {
        var n = series.Scores.Length;
        var rows = new RowValue[n];
        var probation = ProbationLength(n);
        var windows = series.Windows;
        var next = 0;
        int? current = null;
        var previousEnd = -1;
        var previousWidth = 0;
        for (var i = 0; i < n; i++)
        {
            if (current is null && next < windows.Count && windows[next].Start == i)
            {
                current = next++;
            }

            RowValue value;
            if (current is { } w)
            {
                var (start, end) = windows[w];
                var width = (double)(end - start + 1);
                var position = -(end - i + 1) / width;
                value = new RowValue(w, ScaledSigmoid(position) / MaxTp, i < probation);
                if (i == end)
                {
                    previousEnd = end;
                    previousWidth = (int)width;
                    current = null;
                }
            }
            else
            {
                var position = previousEnd < 0 ? 3.0 : Math.Abs(previousEnd - i) / (double)(previousWidth - 1);
                value = new RowValue(-1, ScaledSigmoid(position), i < probation);
            }

            rows[i] = value;
        }

        return rows;
    }

    /// <summary>The raw score of one series at <paramref name="threshold"/>, with its counts.</summary>
    public static SeriesResult Score(NabSeries series, RowValue[] rows, NabProfile profile, double threshold)
    {
        var best = new double[series.Windows.Count];
        var scorable = new bool[series.Windows.Count];
        Array.Fill(best, double.NegativeInfinity);
        var fp = 0.0;
        var fpCount = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            if (row.Probationary)
            {
                continue;
            }

            if (row.Window >= 0)
            {
                scorable[row.Window] = true;
            }

            if (series.Scores[i] < threshold)
            {
                continue;
            }

            if (row.Window >= 0)
            {
                best[row.Window] = Math.Max(best[row.Window], row.Unweighted * profile.TpWeight);
            }
            else
            {
                fp += row.Unweighted * profile.FpWeight;
                fpCount++;
            }
        }

        var total = fp;
        int tp = 0, fn = 0, windows = 0;
        for (var w = 0; w < best.Length; w++)
        {
            if (!scorable[w])
            {
                continue;
            }

            windows++;
            if (double.IsNegativeInfinity(best[w]))
            {
                total -= profile.FnWeight;
                fn++;
            }
            else
            {
                total += best[w];
                tp++;
            }
        }

        return new SeriesResult(series.Name, total, tp, fn, fpCount, windows);
    }

    /// <summary>
    /// The threshold that maximizes the corpus total for <paramref name="profile"/>: every distinct score is a
    /// candidate (plus "no detection"), swept from the highest down while per-window bests and the FP sum are
    /// updated incrementally. Ties go to the higher threshold.
    /// </summary>
    public static (double Threshold, double Raw) Optimize(IReadOnlyList<NabSeries> corpus, IReadOnlyList<RowValue[]> sweeps, NabProfile profile)
    {
        var points = new List<(double Score, int Window, double Value)>();
        var windowBase = 0;
        var scorableWindows = new HashSet<int>();
        for (var s = 0; s < corpus.Count; s++)
        {
            var rows = sweeps[s];
            for (var i = 0; i < rows.Length; i++)
            {
                var row = rows[i];
                if (row.Probationary)
                {
                    continue;
                }

                if (row.Window >= 0)
                {
                    scorableWindows.Add(windowBase + row.Window);
                    points.Add((corpus[s].Scores[i], windowBase + row.Window, row.Unweighted * profile.TpWeight));
                }
                else
                {
                    points.Add((corpus[s].Scores[i], -1, row.Unweighted * profile.FpWeight));
                }
            }

            windowBase += corpus[s].Windows.Count;
        }

        points.Sort((a, b) => b.Score.CompareTo(a.Score));
        var best = new double[windowBase];
        Array.Fill(best, -profile.FnWeight);
        var total = -profile.FnWeight * scorableWindows.Count;
        var bestTotal = total;
        var bestThreshold = double.PositiveInfinity;
        for (var i = 0; i < points.Count;)
        {
            var threshold = points[i].Score;
            for (; i < points.Count && points[i].Score == threshold; i++)
            {
                var (_, window, value) = points[i];
                if (window < 0)
                {
                    total += value;
                }
                else if (value > best[window])
                {
                    total += value - best[window];
                    best[window] = value;
                }
            }

            if (total > bestTotal)
            {
                bestTotal = total;
                bestThreshold = threshold;
            }
        }

        return (bestThreshold, bestTotal);
    }

    /// <summary>The raw total with no detection: every scorable window missed.</summary>
    public static double NullScore(IReadOnlyList<NabSeries> corpus, IReadOnlyList<RowValue[]> sweeps, NabProfile profile)
    {
        var total = 0.0;
        for (var s = 0; s < corpus.Count; s++)
        {
            total += Score(corpus[s], sweeps[s], profile, double.PositiveInfinity).Raw;
        }

        return total;
    }

    /// <summary>NAB's perfect total: every window (as labelled, probation or not) detected at its start.</summary>
    public static double PerfectScore(IReadOnlyList<NabSeries> corpus, NabProfile profile) =>
        corpus.Sum(s => s.Windows.Count) * profile.TpWeight;

    public static double Normalize(double raw, double nullScore, double perfect) => 100 * (raw - nullScore) / (perfect - nullScore);
}

/// <summary>What a row would be worth as a detection, before the profile's weights.</summary>
/// <param name="Window">Index of the window holding the row, or −1 when it is outside every window.</param>
/// <param name="Unweighted">In a window σ(position)/σ(−1) in (0, 1]; outside σ(distance) in [−1, 0).</param>
/// <param name="Probationary">Whether the row is in the probation period (not scored).</param>
internal readonly record struct RowValue(int Window, double Unweighted, bool Probationary);

/// <summary>One series' raw score at a threshold and its counts (windows hit, missed, false-positive rows).</summary>
internal readonly record struct SeriesResult(string Name, double Raw, int Tp, int Fn, int FpRows, int Windows);
