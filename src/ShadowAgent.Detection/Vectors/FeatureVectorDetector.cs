using ShadowAgent.Detection.Ensemble;

namespace ShadowAgent.Detection.Vectors;

/// <summary>
/// The detector set run per profile feature: one <see cref="SeriesDetector"/> per named series (volume, rate,
/// distinct count, p99, skew, schema share, spectral features, ...), fed one value each per profile. The vector's
/// score is that of its most unusual feature, Bonferroni-corrected for the number of features, and the
/// contributors say which features and which detectors saw it — most significant first.
/// </summary>
/// <remarks>Allocation-free per vector: contributors are written into a buffer sized for every
/// (feature, detector) pair at construction. Not thread-safe.</remarks>
public sealed class FeatureVectorDetector
{
    private readonly string[] _features;
    private readonly SeriesDetector[] _series;
    private readonly FeatureContribution[] _contributors;
    private readonly double _contributionLevel;
    private int _contributorCount;

    /// <param name="features">The feature names, in the order values are given to <see cref="Observe"/>.</param>
    /// <param name="options">Detector settings shared by every feature.</param>
    /// <param name="contributionLevel">A detector on a feature is listed as a contributor when its own tail
    /// probability is at or below this.</param>
    /// <exception cref="ArgumentException">No features, a duplicate or empty name, or invalid options.</exception>
    public FeatureVectorDetector(IReadOnlyList<string> features, DetectionOptions options, double contributionLevel = 0.01)
    {
        if (features.Count == 0)
        {
            throw new ArgumentException("At least one feature is needed.", nameof(features));
        }

        if (features.Any(string.IsNullOrWhiteSpace) || features.Distinct(StringComparer.Ordinal).Count() != features.Count)
        {
            throw new ArgumentException("Feature names must be non-empty and distinct.", nameof(features));
        }

        _features = [.. features];
        _series = new SeriesDetector[_features.Length];
        for (var i = 0; i < _series.Length; i++)
        {
            _series[i] = new SeriesDetector(options);
        }

        _contributors = new FeatureContribution[_features.Length * _series[0].Readings.Length];
        _contributionLevel = contributionLevel;
    }

    public IReadOnlyList<string> Features => _features;

    /// <summary>The detector set of the feature at <paramref name="index"/>.</summary>
    public SeriesDetector this[int index] => _series[index];

    /// <summary>The contributors of the latest vector, smallest tail probability first.</summary>
    public ReadOnlySpan<FeatureContribution> Contributors => _contributors.AsSpan(0, _contributorCount);

    /// <summary>Scores one vector (a value per feature, in <see cref="Features"/> order), then learns it.
    /// A non-finite value leaves its feature out of this vector.</summary>
    public VectorScore Observe(ReadOnlySpan<double> values)
    {
        if (values.Length != _features.Length)
        {
            throw new ArgumentException($"Expected {_features.Length} values, one per feature; got {values.Length}.", nameof(values));
        }

        _contributorCount = 0;
        var minP = 1.0;
        var counted = 0;
        var alarm = false;
        for (var f = 0; f < _series.Length; f++)
        {
            var result = _series[f].Observe(values[f]);
            alarm |= result.Alarm;
            if (result.Quiet || !double.IsFinite(values[f]))
            {
                continue;
            }

            counted++;
            minP = Math.Min(minP, result.TailProbability);
            foreach (var reading in _series[f].Readings)
            {
                if (reading.TailProbability <= _contributionLevel)
                {
                    Insert(new FeatureContribution(_features[f], reading.Detector, reading.Statistic, reading.TailProbability));
                }
            }
        }

        var p = Math.Min(1, minP * Math.Max(counted, 1));
        return new VectorScore(SeriesDetector.ScoreOf(p), p, SeriesDetector.SeverityOf(p), _contributorCount, alarm);
    }

    private void Insert(FeatureContribution contribution)
    {
        var i = _contributorCount++;
        while (i > 0 && _contributors[i - 1].TailProbability > contribution.TailProbability)
        {
            _contributors[i] = _contributors[i - 1];
            i--;
        }

        _contributors[i] = contribution;
    }
}
