namespace ShadowAgent.Mirror;

/// <summary>
/// What the orchestrator may change on a running mirror: the mirrored share, weighed against how useful and how
/// costly the shadow is. A wire message for it needs the stream name and the new share in [0, 1] (and, to be
/// idempotent across reconnects, a command id the agent echoes in its result with the share now in force).
/// </summary>
public interface IMirrorControl
{
    string StreamName { get; }

    /// <summary>The share mirrored now.</summary>
    double Rate { get; }

    MirrorCounters Counters { get; }

    /// <exception cref="ArgumentOutOfRangeException">The share is outside [0, 1].</exception>
    void SetRate(double rate);
}
