using ShadowAgent.Core.Profiles;
using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Detection.Vectors;

namespace ShadowAgent.Detection.Profiles;

/// <summary>
/// Scores each closed window of one stream against the stream's past, on the same detectors as the offline
/// <c>detect</c> command: one detector set per profile feature. Partial windows (start-up, shutdown) are not
/// scored, since their counts cover less time. Runs on the window-closing thread; not thread-safe.
/// </summary>
public sealed class ProfileScorer
{
    /// <summary>Contributors kept per profile.</summary>
    public const int MaxContributors = 5;

    private readonly ProfileFeatures _features;
    private readonly FeatureVectorDetector _detector;
    private readonly double[] _values;

    public ProfileScorer(IReadOnlyList<string> numericFields, IReadOnlyList<string> keyFields, DetectionOptions options)
    {
        _features = new ProfileFeatures(numericFields, keyFields);
        _detector = new FeatureVectorDetector(_features.Names, options);
        _values = new double[_features.Names.Count];
    }

    public IReadOnlyList<string> Features => _features.Names;

    /// <summary>The feature vector of the window scored last (NaN where a feature had no value), in
    /// <see cref="Features"/> order: what the learned models score next, so both see the same numbers.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Scores the window, then learns it; null for a partial window.</summary>
    public AnomalySummary? Score(WindowProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Partial)
        {
            return null;
        }

        _features.Extract(profile, _values);
        var score = _detector.Observe(_values);
        var contributors = _detector.Contributors;
        var kept = new AnomalyContributor[Math.Min(contributors.Length, MaxContributors)];
        var scored = 0;
        for (var f = 0; f < _values.Length; f++)
        {
            if (double.IsFinite(_values[f]))
            {
                scored++;
            }
        }

        for (var c = 0; c < kept.Length; c++)
        {
            var x = contributors[c];
            kept[c] = new AnomalyContributor(x.Feature, x.Detector, x.Statistic, x.TailProbability);
        }

        return new AnomalySummary
        {
            Score = score.Score,
            TailProbability = score.TailProbability,
            Severity = (int)score.Severity,
            Alarm = score.Alarm,
            FeaturesScored = scored,
            Contributors = kept,
        };
    }
}
