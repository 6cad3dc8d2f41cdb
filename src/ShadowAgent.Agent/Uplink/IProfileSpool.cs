using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Uplink;

/// <summary>
/// The outbox of profile batches waiting for the aggregator's acknowledgement. Bounded: when full, the
/// oldest batch is dropped and counted. Safe for concurrent use (window closer appends, the link trims and reads).
/// </summary>
internal interface IProfileSpool
{
    int Capacity { get; }

    /// <summary>
    /// The epoch batch sequence numbers are scoped to: random per process for a spool in memory, kept across
    /// restarts by a spool on disk while it still holds unacknowledged batches.
    /// </summary>
    ulong SessionEpoch { get; }

    int Count { get; }

    /// <summary>Batches dropped because the spool was full, since start.</summary>
    long DroppedTotal { get; }

    /// <summary>The highest sequence handed out so far (0 before the first).</summary>
    ulong LastSequence { get; }

    /// <summary>Gives the profiles the next sequence and stores them; returns the batches dropped to make room.</summary>
    SpooledBatch Append(IEnumerable<ShadowProfile> profiles, DateTimeOffset now, out int dropped);

    /// <summary>Removes every batch with sequence ≤ <paramref name="sequence"/>; returns how many it removed.</summary>
    int TrimThrough(ulong sequence);

    /// <summary>The stored batches with sequence greater than <paramref name="sequence"/>, in order.</summary>
    IReadOnlyList<SpooledBatch> After(ulong sequence);

    /// <summary>When the oldest stored batch was appended; null when empty.</summary>
    DateTimeOffset? OldestAppendedAt { get; }
}

internal sealed record SpooledBatch(ulong Sequence, ProfileBatch Batch, DateTimeOffset AppendedAt);
