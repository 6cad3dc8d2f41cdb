using System.Diagnostics.Metrics;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Agent.Uplink;

/// <summary>The uplink's counters on the agent meter.</summary>
internal sealed class UplinkMetrics : IDisposable
{
    private readonly Meter _meter;

    public UplinkMetrics()
    {
        _meter = new Meter(ShadowMeters.AgentMeter);
        BatchesSent = _meter.CreateCounter<long>("shadow.uplink.batches.sent", "{batch}", "Profile batches written to the aggregator, resends included.");
        BatchesAcked = _meter.CreateCounter<long>("shadow.uplink.batches.acked", "{batch}", "Profile batches the aggregator acknowledged.");
        BatchesDropped = _meter.CreateCounter<long>("shadow.uplink.batches.dropped", "{batch}", "Profile batches dropped because the outbox was full.");
        Reconnects = _meter.CreateCounter<long>("shadow.uplink.reconnects", "{connection}", "Link failures followed by a reconnect.");
    }

    /// <summary>This instance's meter, so a listener can tell it from other instances of the same name.</summary>
    public Meter Meter => _meter;

    public Counter<long> BatchesSent { get; }

    public Counter<long> BatchesAcked { get; }

    public Counter<long> BatchesDropped { get; }

    public Counter<long> Reconnects { get; }

    public void Dispose() => _meter.Dispose();
}
