using System.Diagnostics.Metrics;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Taps.Sockets;

/// <summary>
/// The tap stage's counters for one stream. Callers add per batch, never per record. "Received" counts
/// records that reached the parser (parsed or in error) and "bytes" their bytes; records shed before
/// parsing are counted only as "dropped".
/// </summary>
internal sealed class TapMetrics
{
    private static readonly Meter Meter = new(ShadowMeters.AgentMeter);
    private static readonly Counter<long> ReceivedCounter = Meter.CreateCounter<long>(ShadowMeters.Received, "{record}");
    private static readonly Counter<long> BytesCounter = Meter.CreateCounter<long>(ShadowMeters.Bytes, "By");
    private static readonly Counter<long> ErrorsCounter = Meter.CreateCounter<long>(ShadowMeters.Errors, "{record}");
    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>(ShadowMeters.Dropped, "{record}");

    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly KeyValuePair<string, object?>[] _malformedTags;
    private readonly KeyValuePair<string, object?>[] _invalidUtf8Tags;
    private readonly KeyValuePair<string, object?>[] _oversizeTags;

    public TapMetrics(string streamName)
    {
        _tags = [new(ShadowMeters.StageTag, "tap"), new(ShadowMeters.StreamTag, streamName)];
        _malformedTags = WithReason("malformed");
        _invalidUtf8Tags = WithReason("invalid_utf8");
        _oversizeTags = WithReason("oversize");
    }

    public void AddBatch(long records, long bytes, long malformed, long invalidUtf8, long oversize)
    {
        if (records != 0)
        {
            ReceivedCounter.Add(records, _tags);
            BytesCounter.Add(bytes, _tags);
        }

        if (malformed != 0)
        {
            ErrorsCounter.Add(malformed, _malformedTags);
        }

        if (invalidUtf8 != 0)
        {
            ErrorsCounter.Add(invalidUtf8, _invalidUtf8Tags);
        }

        if (oversize != 0)
        {
            ErrorsCounter.Add(oversize, _oversizeTags);
        }
    }

    public void AddDropped(long records)
    {
        if (records != 0)
        {
            DroppedCounter.Add(records, _tags);
        }
    }

    private KeyValuePair<string, object?>[] WithReason(string reason) => [.. _tags, new(ShadowMeters.ReasonTag, reason)];
}
