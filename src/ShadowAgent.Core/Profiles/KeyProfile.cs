using ShadowAgent.Core.Records;

namespace ShadowAgent.Core.Profiles;

/// <summary>How an estimate relates to the whole stream when the profile was built from a sample.</summary>
public enum Scaling
{
    /// <summary>Exact, or unaffected by sampling.</summary>
    None,

    /// <summary>The sample's value times 1 / rate.</summary>
    ByRate,

    /// <summary>The sample's own value; it does not scale to the whole stream.</summary>
    SampleOnly,
}

/// <summary>Cardinality, heavy hitters and skew of one key field over a window, with the sketches that hold them.</summary>
public sealed class KeyProfile
{
    public required string Field { get; init; }

    /// <summary>Sampled records that carried the field.</summary>
    public long Present { get; init; }

    public double Distinct { get; init; }

    public double DistinctLower { get; init; }

    public double DistinctUpper { get; init; }

    public Scaling DistinctScaling { get; init; }

    /// <summary>Apache DataSketches HLL bytes.</summary>
    public required byte[] Hll { get; init; }

    /// <summary>Apache DataSketches frequent-items (longs) bytes, reduced to the wire size.</summary>
    public required byte[] FrequentItems { get; init; }

    public required IReadOnlyList<HeavyHitter> Top { get; init; }

    public Scaling CountScaling { get; init; }

    public SkewSummary Skew { get; init; }
}

/// <summary>One frequent key value: its hash, its text when known, and its count with bounds.</summary>
public readonly record struct HeavyHitter(long Item, string Value, double Estimate, double LowerBound, double UpperBound);

public readonly record struct SkewSummary(int K, double Top1Share, double TopKShare, double NormalizedEntropy, double Gini);

/// <summary>Quantiles of one numeric field and the sketch (DDSketch protobuf) they come from.</summary>
public sealed class QuantileSummary
{
    public static QuantileSummary Empty { get; } = new() { Sketch = [] };

    public double P50 { get; init; }

    public double P90 { get; init; }

    public double P99 { get; init; }

    public double P999 { get; init; }

    public required byte[] Sketch { get; init; }
}

/// <summary>What fed the sketches of a window.</summary>
public readonly record struct SamplingSummary(SamplingKind Mode, double Rate, string KeyField, long SampledRecords);

public enum SamplingKind
{
    All,
    Random,
    Hash,
}

/// <summary>The record shapes of a window and their drift against the stream's baseline.</summary>
public sealed class SchemaSummary
{
    public ulong Fingerprint { get; init; }

    public long Records { get; init; }

    public long FieldsOverLimit { get; init; }

    /// <summary>Most common first, at most the configured number per profile.</summary>
    public required IReadOnlyList<ShapeField> Fields { get; init; }

    public int FieldsOmitted { get; init; }

    public required IReadOnlyList<SchemaDriftSummary> Drift { get; init; }
}

public enum SchemaDriftSummaryKind
{
    Appeared = 1,
    Disappeared = 2,
    TypeChanged = 3,
    ShareChanged = 4,
}

public readonly record struct SchemaDriftSummary(SchemaDriftSummaryKind Kind, string Path, JsonTypes OldTypes, JsonTypes NewTypes, double OldShare, double NewShare);

/// <summary>Spectrum and wavelet energies of a per-second series ending at the window's end (or where it was closed early).</summary>
public sealed class SpectralSummary
{
    /// <summary>"volume" or a numeric field's name (its per-second mean).</summary>
    public required string Series { get; init; }

    public int Length { get; init; }

    public double IntervalSeconds { get; init; }

    public double Mean { get; init; }

    public double Variance { get; init; }

    public bool Flat { get; init; }

    /// <summary>(period in seconds, share of the non-DC energy), strongest first.</summary>
    public required IReadOnlyList<(double PeriodSeconds, double Share)> Peaks { get; init; }

    public double Entropy { get; init; }

    public double Flatness { get; init; }

    public required double[] BandShares { get; init; }

    public required double[] HaarShares { get; init; }

    public required double[] Daubechies4Shares { get; init; }
}
