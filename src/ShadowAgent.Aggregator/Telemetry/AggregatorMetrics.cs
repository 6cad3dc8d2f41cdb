using System.Diagnostics.Metrics;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Aggregator.Telemetry;

/// <summary>The aggregator's instruments, on a meter created by the host's <see cref="IMeterFactory"/>.</summary>
internal sealed class AggregatorMetrics
{
    public const string AgentsConnectedName = "shadow.aggregator.agents.connected";
    public const string BatchesReceivedName = "shadow.aggregator.batches.received";
    public const string BatchesLostName = "shadow.aggregator.batches.lost";
    public const string ProfilesStoredName = "shadow.aggregator.profiles.stored";
    public const string ProfilesRejectedName = "shadow.aggregator.profiles.rejected";
    public const string StoreWriteLatencyName = "shadow.aggregator.store.write.duration";
    public const string SketchesUndecodableName = "shadow.aggregator.sketches.undecodable";
    public const string SignalsStoredName = "shadow.aggregator.signals.stored";

    public AggregatorMetrics(IMeterFactory meterFactory, AgentConnections connections)
    {
        var meter = meterFactory.Create(ShadowMeters.AggregatorMeter);
        meter.CreateObservableGauge(AgentsConnectedName, () => connections.Count, description: "Agents with an open stream");
        BatchesReceived = meter.CreateCounter<long>(BatchesReceivedName, description: "Profile batches received, duplicates included");
        BatchesLost = meter.CreateCounter<long>(BatchesLostName, description: "Batches an agent dropped before sending (sequence gaps)");
        ProfilesStored = meter.CreateCounter<long>(ProfilesStoredName, description: "Profiles newly stored");
        ProfilesRejected = meter.CreateCounter<long>(ProfilesRejectedName, description: "Profiles rejected as invalid (tag reason)");
        StoreWriteLatency = meter.CreateHistogram<double>(StoreWriteLatencyName, unit: "ms", description: "Duration of one batch transaction");
        SketchesUndecodable = meter.CreateCounter<long>(SketchesUndecodableName, description: "Stored sketches a fleet merge skipped because they did not decode (tag sketch)");
        SignalsStored = meter.CreateCounter<long>(SignalsStoredName, description: "Anomaly signals stored (windows over their stream's severity threshold)");
    }

    public Counter<long> SignalsStored { get; }

    public Counter<long> BatchesReceived { get; }

    public Counter<long> BatchesLost { get; }

    public Counter<long> ProfilesStored { get; }

    public Counter<long> ProfilesRejected { get; }

    public Histogram<double> StoreWriteLatency { get; }

    public Counter<long> SketchesUndecodable { get; }
}
