using System.Globalization;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Api;

/// <summary>Turns a stored profile payload into its API form.</summary>
internal static class ProfileMapper
{
    public static ProfileInfo ToProfile(ProfileRow row, bool includeSketches)
    {
        // The payload is the profile as the agent sent it, so fields added later are served without a schema change.
        var p = ShadowProfile.Parser.ParseFrom(row.Payload);
        return new ProfileInfo(
            row.WindowStartMs, row.WindowEndMs, row.Partial, p.CoveredMs, ToVolume(p.Volume ?? new VolumeCounters()),
            p.HopVolume is null ? null : ToVolume(p.HopVolume),
            p.Sampling is null ? null : new SamplingDetail(ProtoNames.Of(p.Sampling.Mode), p.Sampling.Rate, p.Sampling.KeyField, p.Sampling.SampledRecords),
            p.Numeric.Select(n => ToNumeric(n, includeSketches)).ToList(),
            p.Keys.Select(k => ToKey(k, includeSketches)).ToList(),
            p.Schema is null ? null : ToSchema(p.Schema),
            p.Spectral.Select(ToSpectral).ToList(),
            p.Anomaly is null ? null : new AnomalyInfo(
                p.Anomaly.Score, p.Anomaly.TailProbability, p.Anomaly.Severity.ToString().ToLowerInvariant(), p.Anomaly.Alarm, p.Anomaly.FeaturesScored,
                p.Anomaly.Contributors.Select(c => new ContributorInfo(c.Feature, c.Detector, c.Statistic, c.TailProbability)).ToList()),
            ToForecast(p.Forecast),
            ToForecast(p.CoarseForecast));
    }

    private static ForecastInfo? ToForecast(Forecast? f) => f is null ? null : new ForecastInfo(
        f.Series, f.Model, f.Period, f.StepMs, f.Level, f.Points.Select(x => new ForecastPointInfo(x.Value, x.Lower, x.Upper)).ToList());

    public static VolumeInfo ToVolume(VolumeCounters v) => new(
        v.Records, v.Bytes, v.Parsed, v.Malformed, v.InvalidUtf8, v.Oversize, v.DroppedRecords, v.DroppedBytes, v.RatePerSecond,
        v.ConnectionsOpen, v.ConnectionsAccepted, v.ConnectionsRejected, v.LateRecords, v.MissingEventTime);

    public static HeavyHitterInfo ToHeavyHitter(HeavyHitter h) => new(h.Item, h.Value, h.Estimate, h.LowerBound, h.UpperBound);

    public static SkewInfo ToSkew(SkewSummary s) => new(s.K, s.Top1Share, s.TopkShare, s.NormalizedEntropy, s.Gini);

    private static NumericInfo ToNumeric(NumericSummary n, bool includeSketches) => new(
        n.Field, n.Count, n.Min, n.Max, n.Mean, n.Sum, n.Missing, n.NotNumeric, n.P50, n.P90, n.P99, n.P999, ProtoNames.Of(n.Scaling),
        includeSketches ? n.Ddsketch.ToByteArray() : null);

    private static KeyInfo ToKey(KeyProfile k, bool includeSketches) => new(
        k.Field, k.Present, k.Distinct, k.DistinctLower, k.DistinctUpper, ProtoNames.Of(k.DistinctScaling), ProtoNames.Of(k.CountScaling),
        k.Top.Select(ToHeavyHitter).ToList(), k.Skew is null ? null : ToSkew(k.Skew),
        includeSketches ? k.Hll.ToByteArray() : null, includeSketches ? k.FrequentItems.ToByteArray() : null);

    private static SchemaInfo ToSchema(SchemaProfile s) => new(
        s.Fingerprint.ToString("x16", CultureInfo.InvariantCulture), s.Records, s.FieldsOverLimit,
        s.Fields.Select(f => new SchemaFieldInfo(f.Path, f.Types_, f.Records)).ToList(), s.FieldsOmitted,
        s.Drift.Select(d => new SchemaDriftInfo(ProtoNames.Of(d.Kind), d.Path, d.OldTypes, d.NewTypes, d.OldShare, d.NewShare)).ToList());

    private static SpectralInfo ToSpectral(SpectralSummary s) => new(
        s.Series, s.Length, s.IntervalSeconds, s.Mean, s.Variance, s.Flat,
        s.Peaks.Select(peak => new SpectralPeakInfo(peak.PeriodSeconds, peak.Share)).ToList(), s.Entropy, s.Flatness,
        s.BandShares.ToList(), s.HaarShares.ToList(), s.Daubechies4Shares.ToList());
}
