namespace ShadowAgent.Agent.Configuration;

/// <summary>The "Agent:Spool" section: where unacknowledged profile batches wait, and how much of them.</summary>
public sealed class SpoolOptions
{
    /// <summary>
    /// Directory of the durable spool. Empty keeps the outbox in memory only, so batches not acknowledged
    /// when the agent stops are lost (counted in the log).
    /// </summary>
    public string Directory { get; set; } = "";

    /// <summary>Bytes of batches held at most (in memory, and on disk when durable); the oldest go first.</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;
}
