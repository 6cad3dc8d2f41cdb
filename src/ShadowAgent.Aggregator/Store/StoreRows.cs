namespace ShadowAgent.Aggregator.Store;

internal sealed record HostRow(
    string HostId, string HostName, string AgentVersion, int ProtocolVersion, string[] Capabilities,
    int LogicalCpus, long MemoryBytes, string Os, string Kernel, string Architecture, string CgroupMode,
    bool Connected, long FirstSeenMs, long LastSeenMs, int StreamCount, long ProfilesTotal, long RecordsTotal);

internal sealed record StreamRow(
    long StreamId, string HostId, string Name, string Tap, string Address, string Format, string[] KeyFields,
    string[] NumericFields, int WindowMs, long? LastWindowEndMs, long ProfilesTotal, long RecordsTotal, long BytesTotal,
    long ParsedTotal, long ErrorsTotal, long DroppedRecordsTotal, int HopMs, string EventTimeField, int AllowedLatenessMs,
    int SamplingMode, double SamplingRate, string SamplingKeyField);

/// <summary>One stream name across the fleet: how many hosts have it and their combined lifetime totals.</summary>
internal sealed record StreamNameRow(string Name, int Hosts, long ProfilesTotal, long RecordsTotal, long? LastWindowEndMs);

/// <summary>Where a stored profile sits, without its payload: fleet merges pick and order profiles by these first.</summary>
internal sealed record ProfileKeyRow(long ProfileId, string HostId, long WindowStartMs, long WindowEndMs);

internal sealed record ProfileRow(long WindowStartMs, long WindowEndMs, bool Partial, byte[] Payload);

internal sealed record SignalRow(
    string HostId, string Stream, long WindowEndMs, double Score, double TailProbability, int Severity, bool Alarm, string Contributors, long StoredMs);
