namespace ShadowAgent.Agent.Uplink;

/// <summary>
/// Where a <see cref="ProfileSpool"/> keeps its batches beyond the process: every append is written before
/// it is sent, every acknowledged or dropped batch is deleted, and a restarted agent finds what was never
/// acknowledged and sends it again under the same session epoch and sequence numbers, so the aggregator
/// stores each batch once.
/// </summary>
internal interface ISpoolStore
{
    /// <summary>The epoch the spool's sequence numbers belong to.</summary>
    ulong Epoch { get; }

    /// <summary>Batches found at open, oldest first.</summary>
    IReadOnlyList<SpooledBatch> Recovered { get; }

    /// <summary>Files found at open that could not be read back (counted and skipped).</summary>
    int Corrupt { get; }

    void Write(SpooledBatch batch);

    void Delete(ulong sequence);
}
