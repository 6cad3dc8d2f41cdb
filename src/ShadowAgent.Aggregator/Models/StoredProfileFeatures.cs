using ShadowAgent.Detection.Profiles;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Models;

/// <summary>
/// The agent's feature vector (<see cref="ProfileFeatures"/>, computed there from the window it closed) read back from a
/// stored profile's wire form, value for value: models trained on these rows score what the agent will feed them. Every
/// value the agent uses travels in the profile (volume counters, schema drift events, the volume spectrum's entropy,
/// numeric means and DDSketch quantiles, key distinct counts and skew), and the same "no value" rules give NaN.
/// </summary>
internal sealed class StoredProfileFeatures
{
    private readonly string[] _numeric;
    private readonly string[] _keys;

    public StoredProfileFeatures(IReadOnlyList<string> numericFields, IReadOnlyList<string> keyFields)
    {
        _numeric = [.. numericFields];
        _keys = [.. keyFields];
        Names = new ProfileFeatures(numericFields, keyFields).Names;
    }

    /// <summary>The agent's feature names, in vector order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Writes the profile's features in <see cref="Names"/> order; NaN where the agent has none.</summary>
    public void Extract(ShadowProfile profile, Span<double> values)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (values.Length != Names.Count)
        {
            throw new ArgumentException($"Expected room for {Names.Count} features; got {values.Length}.", nameof(values));
        }

        var v = profile.Volume ?? new VolumeCounters();
        double records = v.Records;
        var errors = v.Malformed + v.InvalidUtf8 + v.Oversize;
        var i = 0;
        values[i++] = records;
        values[i++] = v.Records > 0 ? v.Bytes / records : double.NaN;
        values[i++] = v.Records > 0 ? errors / records : double.NaN;
        values[i++] = v.Records > 0 ? v.DroppedRecords / records : double.NaN;
        values[i++] = profile.Schema is { } schema ? schema.Drift.Count : double.NaN;
        values[i++] = SpectralEntropy(profile);
        for (var n = 0; n < _numeric.Length; n++)
        {
            var summary = Find(profile.Numeric, _numeric[n], static s => s.Field, n);
            var has = summary is { Count: > 0 };
            values[i++] = has ? summary!.Mean : double.NaN;
            values[i++] = has && !summary!.Ddsketch.IsEmpty ? summary.P50 : double.NaN;
            values[i++] = has && !summary!.Ddsketch.IsEmpty ? summary.P99 : double.NaN;
        }

        for (var k = 0; k < _keys.Length; k++)
        {
            var key = Find(profile.Keys, _keys[k], static x => x.Field, k);
            var has = key is { Present: > 0 };
            values[i++] = has ? key!.Distinct : double.NaN;
            values[i++] = has ? key!.Skew?.Top1Share ?? double.NaN : double.NaN;
            values[i++] = has ? key!.Skew?.NormalizedEntropy ?? double.NaN : double.NaN;
        }
    }

    /// <summary>The entry for <paramref name="field"/>: at its configuration position as the agent reads it, else by name.</summary>
    private static T? Find<T>(IReadOnlyList<T> entries, string field, Func<T, string> name, int position) where T : class
    {
        if (position < entries.Count && name(entries[position]) == field)
        {
            return entries[position];
        }

        foreach (var entry in entries)
        {
            if (name(entry) == field)
            {
                return entry;
            }
        }

        return null;
    }

    private static double SpectralEntropy(ShadowProfile profile)
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
