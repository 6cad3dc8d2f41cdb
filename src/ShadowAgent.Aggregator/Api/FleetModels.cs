using System.Text.Json.Serialization;

namespace ShadowAgent.Aggregator.Api;

internal sealed record FleetStreamList(IReadOnlyList<FleetStreamName> Streams);

internal sealed record FleetStreamName(string Name, int Hosts, long ProfilesTotal, long RecordsTotal, long? LastProfileEndUnixMs);

/// <summary>
/// One stream merged across hosts over [FromUnixMs, ToUnixMs) (profiles whose window starts in it).
/// <c>ProfilesMerged</c> profiles fed the exact volume; <c>ContentProfiles</c> of them (hopping windows: a
/// non-overlapping subset per host) fed the summaries, sketches and sampled records, so each record counts once.
/// <c>Truncated</c>: more than <c>MaxProfiles</c> matched and only the newest were merged. With ?sketches=true the
/// merged sketches come along, base64, in their published formats (HLL as HLL_8, so DataSketches can read them).
/// </summary>
internal sealed record FleetStreamSummary(
    string Stream, long FromUnixMs, long ToUnixMs, IReadOnlyList<string> Hosts, int ProfilesMerged, int ContentProfiles,
    bool Truncated, int MaxProfiles, long? WindowStartUnixMs, long? WindowEndUnixMs, FleetVolume Volume, ulong SampledRecords,
    FleetSampling Sampling, IReadOnlyList<FleetNumeric> Numeric, IReadOnlyList<FleetKey> Keys, int UndecodableSketches,
    int IncompatibleSketches);

/// <summary>Exact counters summed over profiles (hop_volume where present, else volume).</summary>
internal sealed record FleetVolume(
    ulong Records, ulong Bytes, ulong Parsed, ulong Errors, ulong Malformed, ulong InvalidUtf8, ulong Oversize, ulong DroppedRecords,
    ulong DroppedBytes, ulong LateRecords, ulong MissingEventTime);

/// <summary>
/// Whether every merged profile sampled the same way. When not (<c>Consistent</c> false, <c>Mode</c> "mixed", no <c>Rate</c>), sketch
/// estimates are not scaled and say "mixed"; the per-host entries tell which host sampled how.
/// </summary>
internal sealed record FleetSampling(bool Consistent, string Mode, double? Rate, IReadOnlyList<HostSamplingInfo> Hosts);

/// <summary>One sampling setting seen on one host (a host that changed settings in the range has several).</summary>
internal sealed record HostSamplingInfo(string Host, string Mode, double Rate, string KeyField, int Profiles, ulong SampledRecords);

/// <summary>
/// A numeric field across the fleet. Count, sum, missing and not-numeric add up the profiles' values (each already
/// scaled by its agent, so the sum stays an estimate of the whole stream even when rates differ: <c>CountScaling</c>
/// "by_rate" when any profile was scaled). Min, max and mean are exact over what the profiles summarized.
/// </summary>
internal sealed record FleetNumeric(
    string Field, ulong Count, double Sum, double Min, double Max, double Mean, ulong Missing, ulong NotNumeric, string CountScaling,
    FleetQuantiles? Quantiles);

/// <summary>
/// Quantiles of the merged DDSketch, each within <c>RelativeAccuracy</c> of the true quantile of what was sketched.
/// <c>Scaling</c>: "none" (nothing sampled), "sample_only" (one sampling setting: the sample's quantiles) or "mixed"
/// (hosts sampled at different rates, so hosts weigh unequally).
/// </summary>
internal sealed record FleetQuantiles(
    double P50, double P90, double P99, double P999, double RelativeAccuracy, double Count, int Sketches, bool Collapsed, string Scaling,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] byte[]? Ddsketch);

internal sealed record FleetKey(string Field, ulong Present, FleetDistinct? Distinct, FleetHeavyHitters? HeavyHitters, SkewInfo? Skew);

/// <summary>The merged HLL's distinct estimate and bounds at <c>StdDevs</c> standard deviations, scaled as <c>Scaling</c> says.</summary>
internal sealed record FleetDistinct(
    double Estimate, double Lower, double Upper, int StdDevs, string Scaling, int LgK, int Sketches,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] byte[]? Hll);

/// <summary>
/// The merged frequent-items sketch's top k (no false negatives: every key whose true count exceeds
/// <c>MaximumError</c> is listed when k allows), counts scaled as <c>Scaling</c> says.
/// </summary>
internal sealed record FleetHeavyHitters(
    long StreamLength, long MaximumError, string Scaling, int Sketches, IReadOnlyList<HeavyHitterInfo> Top,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] byte[]? FrequentItems);

/// <summary>
/// The fleet's records per window forecast for the next windows, from the per-window totals of every host, by the
/// model a rolling-origin backtest chose on that history.
/// </summary>
internal sealed record FleetForecastInfo(
    string Stream, string Model, int Period, long StepMs, double Level, long LastWindowEndUnixMs, int HistoryWindows,
    IReadOnlyList<FleetForecastPoint> Points);

internal sealed record FleetForecastPoint(long WindowEndUnixMs, double Value, double Lower, double Upper);
