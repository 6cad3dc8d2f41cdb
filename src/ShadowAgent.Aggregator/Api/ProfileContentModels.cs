using System.Text.Json.Serialization;

namespace ShadowAgent.Aggregator.Api;

/// <summary>How the profile's sketches and summaries were fed: mode all, random or hash, and the records that fed them.</summary>
internal sealed record SamplingDetail(string Mode, double Rate, string KeyField, ulong SampledRecords);

/// <summary>
/// A key field of one profile: distinct estimate with its bounds, heavy hitters and skew as the agent computed them.
/// <c>Hll</c> and <c>FrequentItems</c> (base64 DataSketches images) only with ?sketches=true.
/// </summary>
internal sealed record KeyInfo(
    string Field, ulong Present, double Distinct, double DistinctLower, double DistinctUpper, string DistinctScaling,
    string CountScaling, IReadOnlyList<HeavyHitterInfo> Top, SkewInfo? Skew,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] byte[]? Hll,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] byte[]? FrequentItems);

/// <summary>A frequent key: its hash (as in the frequent-items sketch), its text when known, and its count bounds.</summary>
internal sealed record HeavyHitterInfo(long Item, string Value, double Estimate, double LowerBound, double UpperBound);

internal sealed record SkewInfo(uint K, double Top1Share, double TopKShare, double NormalizedEntropy, double Gini);

/// <summary>Record shapes of the window; the fingerprint is 16 hex digits (a JSON number would lose bits in JavaScript).</summary>
internal sealed record SchemaInfo(
    string Fingerprint, ulong Records, ulong FieldsOverLimit, IReadOnlyList<SchemaFieldInfo> Fields, uint FieldsOmitted,
    IReadOnlyList<SchemaDriftInfo> Drift);

internal sealed record SchemaFieldInfo(string Path, uint Types, ulong Records);

internal sealed record SchemaDriftInfo(string Kind, string Path, uint OldTypes, uint NewTypes, double OldShare, double NewShare);

internal sealed record SpectralInfo(
    string Series, uint Length, double IntervalSeconds, double Mean, double Variance, bool Flat, IReadOnlyList<SpectralPeakInfo> Peaks,
    double Entropy, double Flatness, IReadOnlyList<double> BandShares, IReadOnlyList<double> HaarShares,
    IReadOnlyList<double> Daubechies4Shares);

internal sealed record SpectralPeakInfo(double PeriodSeconds, double Share);
