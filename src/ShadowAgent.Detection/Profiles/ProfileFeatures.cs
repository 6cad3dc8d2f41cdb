using ShadowAgent.Core.Profiles;

namespace ShadowAgent.Detection.Profiles;

/// <summary>
/// The feature vector of a window profile that the detectors watch: volume (records, bytes per record, error and
/// drop shares), per numeric field its mean, p50 and p99, per key field its distinct count, top-1 share and
/// normalized entropy, the schema drift events, and the spectral entropy of the per-second rate. Names are
/// stable ("numeric.latency_ms.p99"), so contributors read as what they measure.
/// </summary>
public sealed class ProfileFeatures
{
    private readonly string[] _numeric;
    private readonly string[] _keys;

    public ProfileFeatures(IReadOnlyList<string> numericFields, IReadOnlyList<string> keyFields)
    {
        _numeric = [.. numericFields];
        _keys = [.. keyFields];
        var names = new List<string> { "records", "bytes_per_record", "error_share", "dropped_share", "schema_drift", "volume_spectral_entropy" };
        foreach (var field in _numeric)
        {
            names.Add($"numeric.{field}.mean");
            names.Add($"numeric.{field}.p50");
            names.Add($"numeric.{field}.p99");
        }

        foreach (var field in _keys)
        {
            names.Add($"key.{field}.distinct");
            names.Add($"key.{field}.top1_share");
            names.Add($"key.{field}.entropy");
        }

        Names = names;
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Writes the profile's features in <see cref="Names"/> order; NaN where a feature has no value this window.</summary>
    public void Extract(WindowProfile profile, Span<double> values)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (values.Length != Names.Count)
        {
            throw new ArgumentException($"Expected room for {Names.Count} features; got {values.Length}.", nameof(values));
        }

        var v = profile.Volume;
        var i = 0;
        values[i++] = v.Records;
        values[i++] = v.Records > 0 ? (double)v.Bytes / v.Records : double.NaN;
        values[i++] = v.Records > 0 ? (double)v.Errors / v.Records : double.NaN;
        values[i++] = v.Records > 0 ? (double)v.DroppedRecords / v.Records : double.NaN;
        values[i++] = profile.Schema is { } schema ? schema.Drift.Count : double.NaN;
        values[i++] = SpectralEntropy(profile);
        for (var n = 0; n < _numeric.Length; n++)
        {
            var summary = n < profile.Numeric.Count ? profile.Numeric[n] : NumericSummary.Empty;
            var quantiles = n < profile.Quantiles.Count ? profile.Quantiles[n] : null;
            var has = summary.Count > 0;
            values[i++] = has ? summary.Mean : double.NaN;
            values[i++] = has && quantiles is { Sketch.Length: > 0 } ? quantiles.P50 : double.NaN;
            values[i++] = has && quantiles is { Sketch.Length: > 0 } ? quantiles.P99 : double.NaN;
        }

        for (var k = 0; k < _keys.Length; k++)
        {
            var key = k < profile.Keys.Count ? profile.Keys[k] : null;
            var has = key is { Present: > 0 };
            values[i++] = has ? key!.Distinct : double.NaN;
            values[i++] = has ? key!.Skew.Top1Share : double.NaN;
            values[i++] = has ? key!.Skew.NormalizedEntropy : double.NaN;
        }
    }

    private static double SpectralEntropy(WindowProfile profile)
    {
        foreach (var s in profile.Spectral)
        {
            if (s.Series == "volume")
            {
                return s.Flat ? double.NaN : s.Entropy;
            }
        }

        return double.NaN;
    }
}
