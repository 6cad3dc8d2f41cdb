namespace ShadowAgent.Agent.Configuration;

/// <summary>The "Agent:Metrics" section: where the agent serves its counters for Prometheus.</summary>
public sealed class MetricsOptions
{
    /// <summary>ip:port of the /metrics endpoint; empty serves nothing. Keep it on loopback or a private interface.</summary>
    public string Listen { get; set; } = "";
}
