using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Ingest;

/// <summary>Registry of connected agents, by host id, for components that send commands to agents.</summary>
public sealed class AgentConnections
{
    private readonly ConcurrentDictionary<string, AgentConnection> _byHost = new(StringComparer.Ordinal);

    public int Count => _byHost.Count;

    public ICollection<string> HostIds => _byHost.Keys;

    public bool TryGet(string hostId, [NotNullWhen(true)] out AgentConnection? connection) =>
        _byHost.TryGetValue(hostId, out connection);

    /// <summary>Queues a message for a connected agent; false when it is not connected or its queue is full.</summary>
    public bool TrySend(string hostId, AggregatorMessage message) =>
        _byHost.TryGetValue(hostId, out var connection) && connection.TrySend(message);

    /// <summary>Adds a connection; a previous stream of the same host is ended (the agent reconnected).</summary>
    internal void Register(AgentConnection connection)
    {
        AgentConnection? previous = null;
        _byHost.AddOrUpdate(connection.HostId, connection, (_, old) =>
        {
            previous = old;
            return connection;
        });
        previous?.Lifetime.Cancel();
    }

    /// <summary>Removes the connection if it is still the registered one for its host.</summary>
    internal bool Unregister(AgentConnection connection) =>
        _byHost.TryRemove(new KeyValuePair<string, AgentConnection>(connection.HostId, connection));
}
