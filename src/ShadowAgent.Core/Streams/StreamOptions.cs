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

    /// <summary>
    /// Record format. "ndjson": one JSON object per line. "plain" (file taps only): any text line, counted and sized,
    /// and keyed by <see cref="PlainOptions.KeyPattern"/>'s named groups when one is set.
    /// </summary>
    public string Format { get; set; } = StreamFormats.NdJson;

    /// <summary>Dotted paths of fields whose values identify things (users, routes, tenants).</summary>
    public List<string> KeyFields { get; set; } = [];

    /// <summary>Dotted paths of numeric fields summarized per window (latency, size).</summary>
    public List<string> NumericFields { get; set; } = [];

    /// <summary>Length of a window; windows are aligned to multiples of the hop since the Unix epoch.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Hopping windows: a profile every hop covering the last <see cref="Window"/>. Null (the default) or equal
    /// to the window: tumbling windows. The hop must divide the window.
    /// </summary>
    public TimeSpan? Hop { get; set; }

    /// <summary>Event time; arrival time when not set.</summary>
    public EventTimeOptions EventTime { get; set; } = new();

    public SamplingOptions Sampling { get; set; } = new();

    public SketchOptions Sketches { get; set; } = new();

    public SchemaOptions Schema { get; set; } = new();

    public SpectralOptions Spectral { get; set; } = new();

    public StreamDetectionOptions Detection { get; set; } = new();

    public StreamForecastOptions Forecast { get; set; } = new();

    /// <summary>The hop actually used: <see cref="Hop"/>, or the window for tumbling windows.</summary>
    public TimeSpan EffectiveHop => Hop is { } hop && hop > TimeSpan.Zero ? hop : Window;
}

/// <summary>Which time places a record in a window.</summary>
public sealed class EventTimeOptions
{
    /// <summary>Dotted path of the record's timestamp; empty: arrival time.</summary>
    public string Field { get; set; } = "";

    public EventTimeFormat Format { get; set; } = EventTimeFormat.Auto;

    /// <summary>How long after a window's end records dated in it are still accepted; the window closes then.</summary>
    public TimeSpan AllowedLateness { get; set; } = TimeSpan.FromSeconds(2);

    public bool Enabled => !string.IsNullOrEmpty(Field);
}

/// <summary>Which parsed records feed the sketches and summaries. Volume counters always count every record.</summary>
public sealed class SamplingOptions
{
    /// <summary>Share of records shadowed, (0, 1].</summary>
    public double Rate { get; set; } = 1.0;

    /// <summary>"random" (each record independently) or "hash" (by the hash of <see cref="KeyField"/>: a key is always in or out).</summary>
    public string Mode { get; set; } = SamplingModes.Random;

    /// <summary>The key field hash sampling decides on; must be one of the stream's key fields.</summary>
    public string KeyField { get; set; } = "";

    public bool Enabled => Rate < 1.0;
}

public static class SamplingModes
{
    public const string Random = "random";
    public const string Hash = "hash";
}

/// <summary>Precision of the sketches; the defaults keep a profile with three key fields near 4 KB.</summary>
public sealed class SketchOptions
{
    /// <summary>HyperLogLog log2 of registers (4-21): relative standard error about 1.04 / sqrt(2^LgK).</summary>
    public int HllLgK { get; set; } = 11;

    /// <summary>HyperLogLog register width on the wire: "hll4", "hll6" or "hll8" (DataSketches target types).</summary>
    public string HllType { get; set; } = "hll4";

    /// <summary>Frequent items: log2 of the counters kept while counting (3-20).</summary>
    public int FrequentItemsLgMaxMapSize { get; set; } = 10;

    /// <summary>Frequent items: log2 of the counters shipped in a profile (3 to FrequentItemsLgMaxMapSize).</summary>
    public int FrequentItemsWireLgMaxMapSize { get; set; } = 5;

    /// <summary>Heavy hitters listed per key field, and the k of the top-k share.</summary>
    public int TopK { get; set; } = 10;

    /// <summary>Quantile sketch (DDSketch) relative accuracy, (0, 0.5).</summary>
    public double QuantileRelativeAccuracy { get; set; } = 0.01;

    /// <summary>Quantile sketch bins per sign before the lowest collapse.</summary>
    public int QuantileMaxBins { get; set; } = 2048;
}

/// <summary>Schema tracking: the field paths and JSON types of records, and drift against a baseline.</summary>
public sealed class SchemaOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Distinct field paths tracked per connection and window; more are counted as over the limit.</summary>
    public int MaxFields { get; set; } = 1024;

    /// <summary>Longest field path tracked, in characters.</summary>
    public int MaxPathChars { get; set; } = 256;

    /// <summary>Fields listed in a profile, most common first; the rest are counted as omitted.</summary>
    public int MaxFieldsPerProfile { get; set; } = 64;

    /// <summary>Windows the baseline spans.</summary>
    public int BaselineWindows { get; set; } = 6;

    /// <summary>A field's share must move by at least this much against the baseline to be reported.</summary>
    public double ShareShift { get; set; } = 0.25;
}

/// <summary>Spectral features of the recent per-second series (record rate and chosen numeric fields).</summary>
public sealed class SpectralOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds of history analysed at most (a power of two, 64-4096); fewer while history builds up.</summary>
    public int MaxLength { get; set; } = 1024;

    /// <summary>Numeric fields whose per-second mean is analysed too; each must be one of the stream's numeric fields.</summary>
    public List<string> Fields { get; set; } = [];
}

/// <summary>Where a stream's records arrive.</summary>
public sealed class TapOptions
{
    /// <summary>
    /// "tcp" (Address is host:port), "unix" (Address is a socket path), "file" (Paths are files or globs to tail),
    /// "forward" (Address is host:port; the Fluentd forward protocol), "probe" (a resource probe) or "http-mirror"
    /// (Address is the proxy's host:port).
    /// </summary>
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

    /// <summary>The resource probe's target and interval when <see cref="Kind"/> is "probe".</summary>
    public ProbeOptions Probe { get; set; } = new();

    /// <summary>The HTTP mirror's settings when <see cref="Kind"/> is <see cref="TapKinds.HttpMirror"/>.</summary>
    public MirrorOptions Mirror { get; set; } = new();

    /// <summary>File taps: absolute file paths, or globs whose last segment holds '*' or '?' (/var/log/app/*.log).</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>File taps: how often the files and the globs are looked at again for new lines, rotation and new files.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>File taps: where per-file offsets are kept across restarts; empty keeps none (files are read from the start).</summary>
    public string CheckpointPath { get; set; } = "";

    /// <summary>File taps: longest time between two checkpoint writes while lines are being read (one is always written at stop).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// File taps: where the files found at the very first start (no checkpoint yet) are read from: "beginning" or "end".
    /// Files that appear later are always read from their beginning.
    /// </summary>
    public string StartAt { get; set; } = FileStartPositions.Beginning;

    /// <summary>File taps with Format "plain": how lines are keyed.</summary>
    public PlainOptions Plain { get; set; } = new();

    /// <summary>Forward taps: largest message (one msgpack array, or a packed stream once decompressed); larger ones end the connection or are skipped, counted as oversize.</summary>
    public int MaxFrameBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Forward taps: deepest nesting of arrays and maps in a message; deeper ones are malformed.</summary>
    public int MaxDepth { get; set; } = 32;

    /// <summary>Forward taps: most entries in one Forward or PackedForward message; more make the message malformed.</summary>
    public int MaxEntries { get; set; } = 1_000_000;

    /// <summary>Forward taps: the HELO/PING/PONG handshake with a shared key and optional users; off until a key is set.</summary>
    public ForwardSecurityOptions Security { get; set; } = new();
}

/// <summary>Lines of a plain-text file tap: keys, numbers and event time come from a regular expression's named groups.</summary>
public sealed class PlainOptions
{
    /// <summary>
    /// A .NET regular expression; its named groups whose names are key fields, numeric fields or the event-time field
    /// supply those fields. Empty: lines are only counted and sized. Matched without backtracking, so no line can make it slow.
    /// </summary>
    public string KeyPattern { get; set; } = "";
}

public static class TapKinds
{
    public const string Tcp = "tcp";
    public const string Unix = "unix";

    /// <summary>A resource probe: one record per interval with the host's or a cgroup's usage (<see cref="ProbeFields"/>).</summary>
    public const string Probe = "probe";

    /// <summary>A reverse proxy in front of a service that copies sampled requests to a shadow instance.</summary>
    public const string HttpMirror = "http-mirror";

    public const string File = "file";
    public const string Forward = "forward";
}

public static class FileStartPositions
{
    public const string Beginning = "beginning";
    public const string End = "end";
}

public static class StreamFormats
{
    public const string NdJson = "ndjson";
    public const string Plain = "plain";
}

/// <summary>The agent's detectors over the stream's profile features.</summary>
public sealed class StreamDetectionOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Windows each detector sees before it scores (and before its scores are calibrated).</summary>
    public int Warmup { get; set; } = 60;
}

/// <summary>The agent's forecast of the stream's records per window.</summary>
public sealed class StreamForecastOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Windows ahead forecast at every close.</summary>
    public int Horizon { get; set; } = 6;

    /// <summary>Coverage of the prediction intervals.</summary>
    public double Level { get; set; } = 0.95;

    /// <summary>
    /// A numeric field whose per-window mean is forecast instead of the record count (a probe's
    /// <c>cpu.cores_used</c>, say); empty forecasts records per window. Must be one of the stream's NumericFields.
    /// </summary>
    public string Field { get; set; } = "";

    /// <summary>
    /// Step of the stream's second, longer-range forecast: windows are summed (records) or averaged (a field) into
    /// buckets of this length aligned to the epoch, and the buckets forecast, so a daily season shows at any window
    /// length (a day of 10 s windows is 8,640 values; of 5-minute buckets 288). Must divide a day; off when 0 or not
    /// longer than the hop.
    /// </summary>
    public TimeSpan CoarseStep { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Buckets ahead the coarse forecast covers (default 12: an hour of 5-minute buckets).</summary>
    public int CoarseHorizon { get; set; } = 12;

    /// <summary>Whether the stream with this hop has a coarse forecast.</summary>
    public bool CoarseFor(TimeSpan hop) => CoarseStep > hop;
}
