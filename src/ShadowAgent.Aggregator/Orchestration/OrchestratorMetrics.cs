using System.Diagnostics.Metrics;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>The orchestrator's instruments, on the aggregator's meter.</summary>
internal sealed class OrchestratorMetrics
{
    public const string DecisionLatencyName = "shadow.aggregator.orchestrator.decision.duration";
    public const string DecisionsName = "shadow.aggregator.orchestrator.decisions";
    public const string CommandsName = "shadow.aggregator.orchestrator.commands";
    public const string ResultsName = "shadow.aggregator.orchestrator.command.results";

    public OrchestratorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ShadowMeters.AggregatorMeter);
        DecisionLatency = meter.CreateHistogram<double>(DecisionLatencyName, unit: "ms",
            description: "Profile stored to decision made and its command queued to the agent (tag action)");
        Decisions = meter.CreateCounter<long>(DecisionsName, description: "Decisions made (tag action)");
        Commands = meter.CreateCounter<long>(CommandsName, description: "Resize commands (tag outcome: sent, not_sent)");
        Results = meter.CreateCounter<long>(ResultsName, description: "Command results received (tag status)");
    }

    public Histogram<double> DecisionLatency { get; }

    public Counter<long> Decisions { get; }

    public Counter<long> Commands { get; }

    public Counter<long> Results { get; }
}
