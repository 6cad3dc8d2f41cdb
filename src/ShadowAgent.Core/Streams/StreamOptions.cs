namespace ShadowAgent.Core.Streams;

/// <summary>
/// One stream the agent shadows: where its records come from (the tap), how they are framed (format),
/// which fields to read from each record, and how long a window is.
/// </summary>
public sealed class StreamOptions
{
    /// <summary>Unique name of the stream on this host; profiles are stored under it.</summary>
    public string Name { get; set; } = "";

    public TapOptions Tap { get; set; } = new();

    /// <summary>Record format. "ndjson": one JSON object per line.</summary>
    public string Format { get; set; } = StreamFormats.NdJson;

    /// <summary>Dotted paths of fields whose values identify things (users, routes, tenants).</summary>
    public List<string> KeyFields { get; set; } = [];

    /// <summary>Dotted paths of numeric fields summarized per window (latency, size).</summary>
    public List<string> NumericFields { get; set; } = [];

    /// <summary>Length of the tumbling window; windows are aligned to multiples of it since the Unix epoch.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Where a stream's records arrive.</summary>
public sealed class TapOptions
{
    /// <summary>"tcp" (Address is host:port) or "unix" (Address is a socket path).</summary>
    public string Kind { get; set; } = TapKinds.Tcp;

    public string Address { get; set; } = "";

    /// <summary>Connections accepted at once; further ones are closed at accept and counted as rejected.</summary>
    public int MaxConnections { get; set; } = 64;

    /// <summary>Longest record accepted, delimiter excluded; longer ones are skipped and counted as oversize.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Bytes a connection may hold unparsed before the tap sheds whole records (counted as dropped)
    /// instead of slowing the producer.
    /// </summary>
    public int MaxBacklogBytes { get; set; } = 4 * 1024 * 1024;
}

public static class TapKinds
{
    public const string Tcp = "tcp";
    public const string Unix = "unix";
}

public static class StreamFormats
{
    public const string NdJson = "ndjson";
}
