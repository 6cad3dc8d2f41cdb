using System.Globalization;

namespace ShadowAgent.Evaluation.Nab;

/// <summary>Per-profile optimized thresholds and normalized scores for a scored corpus.</summary>
internal sealed class NabReport
{
    private NabReport(IReadOnlyList<NabSeries> series, IReadOnlyList<ProfileResult> profiles)
    {
        Series = series;
        Profiles = profiles;
    }

    public IReadOnlyList<NabSeries> Series { get; }

    public IReadOnlyList<ProfileResult> Profiles { get; }

    public ProfileResult this[NabProfile profile] => Profiles.Single(p => p.Profile == profile);

    public static NabReport Build(IReadOnlyList<NabSeries> series)
    {
        var sweeps = series.Select(NabScorer.Sweep).ToList();
        var profiles = new List<ProfileResult>();
        foreach (var profile in NabProfile.All)
        {
            var (threshold, raw) = NabScorer.Optimize(series, sweeps, profile);
            var perSeries = series.Select((s, i) => NabScorer.Score(s, sweeps[i], profile, threshold)).ToList();
            var nullScore = NabScorer.NullScore(series, sweeps, profile);
            var perfect = NabScorer.PerfectScore(series, profile);
            profiles.Add(new ProfileResult(profile, threshold, raw, nullScore, perfect, NabScorer.Normalize(raw, nullScore, perfect), perSeries));
        }

        return new NabReport(series, profiles);
    }

    public void Print(TextWriter output, bool perSeries)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("profile         score   threshold        raw      null   perfect   TP  FN  FP rows");
        foreach (var p in Profiles)
        {
            output.WriteLine(string.Create(c,
                $"{p.Profile.Name,-14} {p.Normalized,6:F2}  {p.Threshold,10:G6}  {p.Raw,9:F3} {p.Null,9:F3} {p.Perfect,9:F3}  {p.PerSeries.Sum(s => s.Tp),3} {p.PerSeries.Sum(s => s.Fn),3} {p.PerSeries.Sum(s => s.FpRows),7}"));
        }

        if (!perSeries)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("standard profile per series:       raw  TP  FN  FP");
        foreach (var s in Profiles[0].PerSeries)
        {
            output.WriteLine(string.Create(c, $"  {s.Name,-58} {s.Raw,7:F3} {s.Tp,3} {s.Fn,3} {s.FpRows,3}"));
        }
    }
}

/// <summary>One profile's result: the optimized threshold, the raw, null and perfect totals, the normalized score.</summary>
internal sealed record ProfileResult(
    NabProfile Profile, double Threshold, double Raw, double Null, double Perfect, double Normalized, IReadOnlyList<SeriesResult> PerSeries);
