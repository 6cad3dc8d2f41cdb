using System.Text.Json.Serialization;

namespace ShadowAgent.Aggregator.Api;

internal sealed record HostList(IReadOnlyList<HostInfo> Hosts);

internal sealed record HostInfo(
    string Id, string Name, string AgentVersion, int ProtocolVersion, bool Connected, long FirstSeenUnixMs,
    long LastSeenUnixMs, IReadOnlyList<string> Capabilities, HostResourcesInfo Resources, int Streams,
    long ProfilesTotal, long RecordsTotal);

internal sealed record HostResourcesInfo(int LogicalCpus, long MemoryBytes, string Os, string Kernel, string Architecture, string CgroupMode);

internal sealed record StreamList(IReadOnlyList<StreamInfo> Streams);

internal sealed record StreamInfo(
    string Host, string Name, string Tap, string Address, string Format, IReadOnlyList<string> KeyFields,
    IReadOnlyList<string> NumericFields, int WindowMs, int HopMs, string EventTimeField, int AllowedLatenessMs,
    StreamSamplingInfo Sampling, long? LastProfileEndUnixMs, StreamTotals Totals);

/// <summary>How the stream is configured to sample: mode all, random or hash (on keyField).</summary>
internal sealed record StreamSamplingInfo(string Mode, double Rate, string KeyField);

/// <summary>
/// Lifetime totals of stored profiles (retention pruning does not lower them). Hopping-window profiles add their
/// newest hop's counters only, so records are counted once.
/// </summary>
internal sealed record StreamTotals(long Profiles, long Records, long Bytes, long Parsed, long Errors, long DroppedRecords);

internal sealed record ProfileList(string Host, string Stream, IReadOnlyList<ProfileInfo> Profiles);

/// <summary>One stored profile; <c>HopVolume</c> is present for hopping windows (the newest hop's exact counters).</summary>
internal sealed record ProfileInfo(
    long WindowStartUnixMs, long WindowEndUnixMs, bool Partial, uint CoveredMs, VolumeInfo Volume, VolumeInfo? HopVolume,
    SamplingDetail? Sampling, IReadOnlyList<NumericInfo> Numeric, IReadOnlyList<KeyInfo> Keys, SchemaInfo? Schema,
    IReadOnlyList<SpectralInfo> Spectral, AnomalyInfo? Anomaly, ForecastInfo? Forecast, ForecastInfo? CoarseForecast);

/// <summary>The agent's detectors' verdict on the window: score, tail probability, severity, alarm and causes.</summary>
internal sealed record AnomalyInfo(double Score, double TailProbability, string Severity, bool Alarm, uint FeaturesScored, IReadOnlyList<ContributorInfo> Contributors);

internal sealed record ContributorInfo(string Feature, string Detector, double Statistic, double TailProbability);

/// <summary>
/// The stream's volume forecast made at the window's close: one point per step ahead, with its interval. The coarse
/// forecast has the same form in buckets of <c>StepMs</c> (present on the window that closed a bucket).
/// </summary>
internal sealed record ForecastInfo(string Series, string Model, uint Period, uint StepMs, double Level, IReadOnlyList<ForecastPointInfo> Points);

internal sealed record ForecastPointInfo(double Value, double Lower, double Upper);

internal sealed record VolumeInfo(
    ulong Records, ulong Bytes, ulong Parsed, ulong Malformed, ulong InvalidUtf8, ulong Oversize, ulong DroppedRecords,
    ulong DroppedBytes, double RatePerSecond, uint ConnectionsOpen, ulong ConnectionsAccepted, ulong ConnectionsRejected,
    ulong LateRecords, ulong MissingEventTime);

/// <summary>
/// A numeric field's summary and quantiles; <c>Ddsketch</c> (base64 of the DDSketch protobuf) only with ?sketches=true.
/// </summary>
internal sealed record NumericInfo(
    string Field, ulong Count, double Min, double Max, double Mean, double Sum, ulong Missing, ulong NotNumeric,
    double P50, double P90, double P99, double P999, string Scaling,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] byte[]? Ddsketch);

/// <summary>An RFC 9457-shaped problem body.</summary>
internal sealed record ApiProblem(string Title, int Status, string Detail);

internal sealed record Health(string Status, int AgentsConnected);

internal sealed record SignalList(IReadOnlyList<SignalInfo> Signals);

/// <summary>A predictive signal: a window an agent's detectors scored over its stream's threshold, and why.</summary>
internal sealed record SignalInfo(
    string Host, string Stream, long WindowEndUnixMs, double Score, double TailProbability, string Severity, bool Alarm, string Contributors,
    long StoredUnixMs);
