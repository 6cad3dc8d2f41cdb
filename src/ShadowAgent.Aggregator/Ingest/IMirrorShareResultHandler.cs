using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Ingest;

/// <summary>Receives the MirrorShareResults agents send (the orchestrator's share controller records them).</summary>
public interface IMirrorShareResultHandler
{
    /// <summary>Called on the agent's stream; must not throw for a bad result (the stream would end).</summary>
    ValueTask OnMirrorShareResultAsync(string hostId, MirrorShareResult result, CancellationToken cancellationToken);
}
