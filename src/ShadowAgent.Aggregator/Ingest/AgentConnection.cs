using System.Threading.Channels;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Ingest;

/// <summary>
/// One connected agent stream. Everything sent to the agent goes through <see cref="Outbound"/>, which the
/// stream's writer loop drains: gRPC allows one writer per response stream.
/// </summary>
public sealed class AgentConnection
{
    public const int OutboundCapacity = 256;

    private readonly Channel<AggregatorMessage> _outbound = Channel.CreateBounded<AggregatorMessage>(
        new BoundedChannelOptions(OutboundCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    internal AgentConnection(string hostId, ulong sessionEpoch, CancellationToken callAborted, string requestEncoding = "identity")
    {
        HostId = hostId;
        SessionEpoch = sessionEpoch;
        RequestEncoding = requestEncoding;
        Lifetime = CancellationTokenSource.CreateLinkedTokenSource(callAborted);
    }

    public string HostId { get; }

    /// <summary>The agent's Hello: its capabilities and streams, which decide what may be sent to it.</summary>
    public Hello? Hello { get; init; }

    public ulong SessionEpoch { get; }

    /// <summary>How the agent compresses its messages ("gzip", or "identity" for none), from grpc-encoding.</summary>
    public string RequestEncoding { get; }

    /// <summary>Cancelled when the stream ends or a newer stream of the same host replaces this one.</summary>
    internal CancellationTokenSource Lifetime { get; }

    internal ChannelReader<AggregatorMessage> Outbound => _outbound.Reader;

    /// <summary>Queues a message without waiting; false when the agent's queue is full or the stream is over.</summary>
    public bool TrySend(AggregatorMessage message) => _outbound.Writer.TryWrite(message);

    /// <summary>Queues a message, waiting while the agent's queue is full.</summary>
    public ValueTask SendAsync(AggregatorMessage message, CancellationToken cancellationToken) =>
        _outbound.Writer.WriteAsync(message, cancellationToken);

    internal void Complete() => _outbound.Writer.TryComplete();
}
