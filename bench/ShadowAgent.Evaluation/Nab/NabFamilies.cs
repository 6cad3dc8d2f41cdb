using System.Globalization;

namespace ShadowAgent.Evaluation.Nab;

/// <summary>
/// Scores by family (the corpus folder: artificialWithAnomaly, realAWSCloudwatch, realTweets, ...), at a given
/// threshold, each normalized against that family's own null and perfect totals; and the leave-one-family-out
/// check: the threshold optimized on every other family, applied to the held-out one.
/// </summary>
internal static class NabFamilies
{
    public static string FamilyOf(string seriesName)
    {
        var slash = seriesName.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : seriesName[..slash];
    }

    /// <summary>The series of the corpus grouped by family, families in ordinal order.</summary>
    public static IReadOnlyList<(string Family, List<int> Series)> Group(IReadOnlyList<NabSeries> series) =>
        [.. series.Select((s, i) => (Family: FamilyOf(s.Name), Index: i))
            .GroupBy(x => x.Family, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Select(x => x.Index).ToList()))];

    /// <summary>A subset's score at <paramref name="threshold"/>: raw, null, perfect, normalized (NaN without windows) and counts.</summary>
    public static FamilyResult Score(IReadOnlyList<NabSeries> series, IReadOnlyList<RowValue[]> sweeps, IEnumerable<int> subset, NabProfile profile, double threshold)
    {
        var picked = subset.ToList();
        var part = picked.Select(i => series[i]).ToList();
        var partSweeps = picked.Select(i => sweeps[i]).ToList();
        var results = part.Select((s, i) => NabScorer.Score(s, partSweeps[i], profile, threshold)).ToList();
        var raw = results.Sum(r => r.Raw);
        var nullScore = NabScorer.NullScore(part, partSweeps, profile);
        var perfect = NabScorer.PerfectScore(part, profile);
        var normalized = perfect > nullScore ? NabScorer.Normalize(raw, nullScore, perfect) : double.NaN;
        return new FamilyResult(raw, nullScore, perfect, normalized, results.Sum(r => r.Tp), results.Sum(r => r.Fn), results.Sum(r => r.FpRows));
    }

    /// <summary>Per family, the score at the corpus-wide threshold of each profile.</summary>
    public static void PrintPerFamily(TextWriter output, NabReport report)
    {
        var c = CultureInfo.InvariantCulture;
        var sweeps = report.Series.Select(NabScorer.Sweep).ToList();
        output.WriteLine();
        output.WriteLine("per family at the corpus threshold   standard  low_FP  low_FN    TP  FN  FP rows  (standard counts)");
        foreach (var (family, members) in Group(report.Series))
        {
            var scores = report.Profiles.Select(p => Score(report.Series, sweeps, members, p.Profile, p.Threshold)).ToList();
            var s = scores[0];
            output.WriteLine(string.Create(c,
                $"  {family + $" ({members.Count})",-34} {Text(scores[0])} {Text(scores[1])} {Text(scores[2])}   {s.Tp,3} {s.Fn,3} {s.FpRows,7}{(double.IsNaN(s.Normalized) ? $"  (no windows: raw {s.Raw:F3})" : "")}"));
        }
    }

    /// <summary>
    /// Leave one family out: for each family with windows, each profile's threshold is optimized on the other
    /// families only and the held-out family is scored with it. <paramref name="choose"/> may pick further
    /// settings on the training families (it gets the training series' indices and returns the scored corpus to
    /// use); by default the corpus is scored once and only the threshold is fitted.
    /// </summary>
    public static void PrintLeaveOneOut(TextWriter output, IReadOnlyList<NabSeries> series, Func<IReadOnlyList<int>, (IReadOnlyList<NabSeries> Corpus, string Choice)>? choose = null)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine("leave one family out (fitted on the others)   standard  low_FP  low_FN | same family at the all-corpus fit");
        var groups = Group(series);
        var fullSweeps = series.Select(NabScorer.Sweep).ToList();
        foreach (var (family, members) in groups)
        {
            var training = Enumerable.Range(0, series.Count).Where(i => !members.Contains(i)).ToList();
            var (corpus, choice) = choose?.Invoke(training) ?? (series, "");
            var sweeps = corpus.Select(NabScorer.Sweep).ToList();
            var trainSeries = training.Select(i => corpus[i]).ToList();
            var trainSweeps = training.Select(i => sweeps[i]).ToList();
            var held = new List<FamilyResult>();
            var inSample = new List<FamilyResult>();
            foreach (var profile in NabProfile.All)
            {
                var (threshold, _) = NabScorer.Optimize(trainSeries, trainSweeps, profile);
                held.Add(Score(corpus, sweeps, members, profile, threshold));
                var (all, _) = NabScorer.Optimize(series, fullSweeps, profile);
                inSample.Add(Score(series, fullSweeps, members, profile, all));
            }

            output.WriteLine(string.Create(c,
                $"  {family,-43} {Text(held[0])} {Text(held[1])} {Text(held[2])} | {Text(inSample[0])} {Text(inSample[1])} {Text(inSample[2])}{(choice.Length > 0 ? "  " + choice : "")}"));
        }
    }

    /// <summary>The candidate (a scored corpus per setting combination) with the best standard score on the
    /// <paramref name="training"/> series, its threshold fitted on them too.</summary>
    public static (IReadOnlyList<NabSeries> Corpus, string Choice) Choose(IReadOnlyList<(string Choice, IReadOnlyList<NabSeries> Corpus)> candidates, IReadOnlyList<int> training)
    {
        var best = candidates[0];
        var bestScore = double.NegativeInfinity;
        foreach (var candidate in candidates)
        {
            var part = training.Select(i => candidate.Corpus[i]).ToList();
            var sweeps = part.Select(NabScorer.Sweep).ToList();
            var (_, raw) = NabScorer.Optimize(part, sweeps, NabProfile.Standard);
            var score = NabScorer.Normalize(raw, NabScorer.NullScore(part, sweeps, NabProfile.Standard), NabScorer.PerfectScore(part, NabProfile.Standard));
            if (score > bestScore)
            {
                bestScore = score;
                best = candidate;
            }
        }

        return (best.Corpus, string.Create(CultureInfo.InvariantCulture, $"chose {best.Choice} ({bestScore:F2} on the others)"));
    }

    private static string Text(FamilyResult r) =>
        double.IsNaN(r.Normalized) ? string.Create(CultureInfo.InvariantCulture, $"{r.Raw,7:F2}r") : string.Create(CultureInfo.InvariantCulture, $"{r.Normalized,8:F2}");
}

/// <summary>A group of series scored at one threshold.</summary>
internal readonly record struct FamilyResult(double Raw, double Null, double Perfect, double Normalized, int Tp, int Fn, int FpRows);
