namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>The share controller's memory of one target, guarded by the target's Gate.</summary>
internal sealed class MirrorShareState(double initialShare)
{
    /// <summary>The share believed in force: the last one sent, corrected by the agent's MirrorShareResult.</summary>
    public double Share { get; set; } = initialShare;

    /// <summary>Window end (the policy's clock) of the last change, for the cooldown.</summary>
    public long? LastChangeMs { get; set; }

    public long? LastUsefulMs { get; set; }

    public string LastUsefulReason { get; set; } = "";

    /// <summary>Commands sent and not yet answered: command id → the share before, restored when not applied.</summary>
    public Dictionary<string, double> Outstanding { get; } = new(StringComparer.Ordinal);
}
