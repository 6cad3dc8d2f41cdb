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
    IReadOnlyList<string> NumericFields, int WindowMs, long? LastProfileEndUnixMs, StreamTotals Totals);

/// <summary>Lifetime totals of stored profiles (retention pruning does not lower them).</summary>
internal sealed record StreamTotals(long Profiles, long Records, long Bytes, long Parsed, long Errors, long DroppedRecords);

internal sealed record ProfileList(string Host, string Stream, IReadOnlyList<ProfileInfo> Profiles);

internal sealed record ProfileInfo(
    long WindowStartUnixMs, long WindowEndUnixMs, bool Partial, uint CoveredMs, VolumeInfo Volume, IReadOnlyList<NumericInfo> Numeric);

internal sealed record VolumeInfo(
    ulong Records, ulong Bytes, ulong Parsed, ulong Malformed, ulong InvalidUtf8, ulong Oversize, ulong DroppedRecords,
    ulong DroppedBytes, double RatePerSecond, uint ConnectionsOpen, ulong ConnectionsAccepted, ulong ConnectionsRejected);

internal sealed record NumericInfo(
    string Field, ulong Count, double Min, double Max, double Mean, double Sum, ulong Missing, ulong NotNumeric);

/// <summary>An RFC 9457-shaped problem body.</summary>
internal sealed record ApiProblem(string Title, int Status, string Detail);

internal sealed record Health(string Status, int AgentsConnected);
