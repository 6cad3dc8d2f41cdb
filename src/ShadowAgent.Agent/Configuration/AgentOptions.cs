using ShadowAgent.Agent.Actuation;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Agent.Configuration;

/// <summary>The "Agent" configuration section.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Stable identity of the host; defaults to /etc/machine-id, else the host name.</summary>
    public string HostId { get; set; } = "";

    /// <summary>Defaults to <see cref="Environment.MachineName"/>.</summary>
    public string HostName { get; set; } = "";

    public AggregatorOptions Aggregator { get; set; } = new();

    public SpoolOptions Spool { get; set; } = new();

    public MetricsOptions Metrics { get; set; } = new();

    public List<StreamOptions> Streams { get; set; } = [];

    /// <summary>Resizing cgroups and VMs on this host when the aggregator asks; off by default.</summary>
    public ActuationOptions Actuation { get; set; } = new();

    /// <summary>How long shutdown may take: draining taps, sending the partial window and waiting for its ack.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
