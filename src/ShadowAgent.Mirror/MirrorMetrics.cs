using System.Diagnostics.Metrics;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Mirror;

/// <summary>
/// The mirror stage's counters for one stream, kept both as exact totals (for tests and the orchestrator) and
/// as the shared stage instruments (stage "mirror"): received = requests, sent = shadow copies, errors and
/// dropped by reason.
/// </summary>
internal sealed class MirrorMetrics
{
    private static readonly Meter Meter = new(ShadowMeters.AgentMeter);
    private static readonly Counter<long> ReceivedCounter = Meter.CreateCounter<long>(ShadowMeters.Received, "{request}");
    private static readonly Counter<long> SentCounter = Meter.CreateCounter<long>(ShadowMeters.Sent, "{request}");
    private static readonly Counter<long> ErrorsCounter = Meter.CreateCounter<long>(ShadowMeters.Errors, "{request}");
    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>(ShadowMeters.Dropped, "{request}");

    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly KeyValuePair<string, object?>[] _malformed;
    private readonly KeyValuePair<string, object?>[] _tooLarge;
    private readonly KeyValuePair<string, object?>[] _primary;
    private readonly KeyValuePair<string, object?>[] _shadow;
    private readonly KeyValuePair<string, object?>[] _queueFull;
    private readonly KeyValuePair<string, object?>[] _bodyTooLarge;
    private readonly KeyValuePair<string, object?>[] _breakerOpen;

    private long _requests;
    private long _primaryErrors;
    private long _malformedCount;
    private long _headersTooLarge;
    private long _mirrored;
    private long _queueDrops;
    private long _bodyTooLargeCount;
    private long _shadowSent;
    private long _shadowAnswered;
    private long _shadowErrors;
    private long _bodiesCompared;
    private long _bodyMismatches;
    private long _bodyDiffSkipped;
    private long _breakerDrops;

    public MirrorMetrics(string stream)
    {
        _tags = [new(ShadowMeters.StageTag, "mirror"), new(ShadowMeters.StreamTag, stream)];
        _malformed = With("malformed");
        _tooLarge = With("headers_too_large");
        _primary = With("primary");
        _shadow = With("shadow");
        _queueFull = With("queue_full");
        _bodyTooLarge = With("body_too_large");
        _breakerOpen = With("breaker_open");
    }

    public void Request()
    {
        Interlocked.Increment(ref _requests);
        ReceivedCounter.Add(1, _tags);
    }

    public void PrimaryError()
    {
        Interlocked.Increment(ref _primaryErrors);
        ErrorsCounter.Add(1, _primary);
    }

    public void Malformed()
    {
        Interlocked.Increment(ref _malformedCount);
        ErrorsCounter.Add(1, _malformed);
    }

    public void HeadersTooLarge()
    {
        Interlocked.Increment(ref _headersTooLarge);
        ErrorsCounter.Add(1, _tooLarge);
    }

    public void Mirrored() => Interlocked.Increment(ref _mirrored);

    public void QueueDrop()
    {
        Interlocked.Increment(ref _queueDrops);
        DroppedCounter.Add(1, _queueFull);
    }

    public void BodyTooLarge()
    {
        Interlocked.Increment(ref _bodyTooLargeCount);
        DroppedCounter.Add(1, _bodyTooLarge);
    }

    /// <summary>A sampled request not copied because the shadow's breaker is open.</summary>
    public void BreakerDrop()
    {
        Interlocked.Increment(ref _breakerDrops);
        DroppedCounter.Add(1, _breakerOpen);
    }

    public void ShadowSent()
    {
        Interlocked.Increment(ref _shadowSent);
        SentCounter.Add(1, _tags);
    }

    public void ShadowDone(bool answered, bool error)
    {
        if (answered)
        {
            Interlocked.Increment(ref _shadowAnswered);
        }

        if (error)
        {
            Interlocked.Increment(ref _shadowErrors);
            ErrorsCounter.Add(1, _shadow);
        }
    }

    /// <summary>A body comparison ended: compared (equal or not) or skipped (not counted as a drop: the copy was sent).</summary>
    public void BodyDiff(bool compared, bool mismatch)
    {
        if (!compared)
        {
            Interlocked.Increment(ref _bodyDiffSkipped);
            return;
        }

        Interlocked.Increment(ref _bodiesCompared);
        if (mismatch)
        {
            Interlocked.Increment(ref _bodyMismatches);
        }
    }

    public MirrorCounters Snapshot(long rateChanges, long breakerOpens) => new(
        Interlocked.Read(ref _requests),
        Interlocked.Read(ref _primaryErrors),
        Interlocked.Read(ref _malformedCount),
        Interlocked.Read(ref _headersTooLarge),
        Interlocked.Read(ref _mirrored),
        Interlocked.Read(ref _queueDrops),
        Interlocked.Read(ref _bodyTooLargeCount),
        Interlocked.Read(ref _shadowSent),
        Interlocked.Read(ref _shadowAnswered),
        Interlocked.Read(ref _shadowErrors),
        rateChanges,
        Interlocked.Read(ref _bodiesCompared),
        Interlocked.Read(ref _bodyMismatches),
        Interlocked.Read(ref _bodyDiffSkipped),
        Interlocked.Read(ref _breakerDrops),
        breakerOpens);

    private KeyValuePair<string, object?>[] With(string reason) => [.. _tags, new(ShadowMeters.ReasonTag, reason)];
}
