namespace ShadowAgent.Mirror;

/// <summary>A snapshot of one mirror's counters since it started.</summary>
/// <param name="Requests">Requests forwarded to the primary (answered or not).</param>
/// <param name="PrimaryErrors">Requests the primary could not answer (answered 502 by the mirror).</param>
/// <param name="Malformed">Requests answered 400 (not HTTP/1.x, or framing the mirror refuses).</param>
/// <param name="HeadersTooLarge">Requests answered 431.</param>
/// <param name="Mirrored">Requests queued for the shadow.</param>
/// <param name="QueueDrops">Requests sampled for the shadow but dropped because its queue was full.</param>
/// <param name="BodyTooLarge">Requests sampled for the shadow but not copied because the body was over the cap.</param>
/// <param name="ShadowSent">Copies sent to the shadow, amplified copies included.</param>
/// <param name="ShadowAnswered">Copies the shadow answered (any status).</param>
/// <param name="ShadowErrors">Copies that failed: 5xx, no answer, timeout, or an injected error.</param>
/// <param name="RateChanges">Times the mirrored share was changed at run time.</param>
/// <param name="BodiesCompared">Copies on a bodyDiff route whose answers were compared.</param>
/// <param name="BodyMismatches">Compared copies whose status or body differed from the primary's.</param>
/// <param name="BreakerDrops">Requests sampled for the shadow but not copied because its breaker was open (reason breaker_open).</param>
/// <param name="BreakerOpens">Times the shadow's breaker opened (a failed probe opens it again).</param>
/// <param name="BodyDiffSkipped">Copies on a bodyDiff route not compared: a body over the cap, no answer, the primary failed, or an injected error.</param>
public readonly record struct MirrorCounters(
    long Requests,
    long PrimaryErrors,
    long Malformed,
    long HeadersTooLarge,
    long Mirrored,
    long QueueDrops,
    long BodyTooLarge,
    long ShadowSent,
    long ShadowAnswered,
    long ShadowErrors,
    long RateChanges,
    long BodiesCompared = 0,
    long BodyMismatches = 0,
    long BodyDiffSkipped = 0,
    long BreakerDrops = 0,
    long BreakerOpens = 0);
