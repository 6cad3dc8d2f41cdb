namespace ShadowAgent.Core.Profiles;

/// <summary>
/// Exact volume of a window. Every received record is exactly one of parsed, malformed, invalid UTF-8,
/// oversize or dropped, so <see cref="Records"/> is their sum.
/// </summary>
public struct VolumeCounters
{
    public long Bytes;
    public long Parsed;
    public long Malformed;
    public long InvalidUtf8;
    public long Oversize;
    public long DroppedRecords;
    public long DroppedBytes;
    public int ConnectionsOpen;
    public long ConnectionsAccepted;
    public long ConnectionsRejected;

    /// <summary>Event time: parsed records dated in a window already closed (shadowed nowhere, counted here).</summary>
    public long LateRecords;

    /// <summary>Event time: parsed records without a readable time (shadowed by arrival time).</summary>
    public long MissingEventTime;

    /// <summary>Event time: parsed records dated beyond the next hop (shadowed by arrival time).</summary>
    public long FutureEventTime;

    /// <summary>Parsed records that fed the sketches and summaries (all of them unless the stream samples).</summary>
    public long Sampled;

    public readonly long Records => Parsed + Errors + DroppedRecords;

    public readonly long Errors => Malformed + InvalidUtf8 + Oversize;

    public void Add(in VolumeCounters other)
    {
        Bytes += other.Bytes;
        Parsed += other.Parsed;
        Malformed += other.Malformed;
        InvalidUtf8 += other.InvalidUtf8;
        Oversize += other.Oversize;
        DroppedRecords += other.DroppedRecords;
        DroppedBytes += other.DroppedBytes;
        ConnectionsOpen += other.ConnectionsOpen;
        ConnectionsAccepted += other.ConnectionsAccepted;
        ConnectionsRejected += other.ConnectionsRejected;
        LateRecords += other.LateRecords;
        MissingEventTime += other.MissingEventTime;
        FutureEventTime += other.FutureEventTime;
        Sampled += other.Sampled;
    }
}
