using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Ingest;

/// <summary>Receives the CommandResults agents send (the orchestrator records them and learns from them).</summary>
public interface ICommandResultHandler
{
    /// <summary>Called on the agent's stream; must not throw for a bad result (the stream would end).</summary>
    ValueTask OnCommandResultAsync(string hostId, CommandResult result, CancellationToken cancellationToken);
}
