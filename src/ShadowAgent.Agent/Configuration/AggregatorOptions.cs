namespace ShadowAgent.Agent.Configuration;

/// <summary>The "Agent:Aggregator" section: where profiles go and how the link behaves.</summary>
public sealed class AggregatorOptions
{
    public string Endpoint { get; set; } = "http://127.0.0.1:7400";

    public TimeSpan ReconnectMin { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Batches kept until acknowledged. When full, the OLDEST batch is dropped and counted: the newest
    /// windows matter most to the aggregator's decisions, and the agent never blocks window closing.
    /// </summary>
    public int MaxUnackedBatches { get; set; } = 1024;

    /// <summary>
    /// How long sent batches may wait for an acknowledgement (and the Welcome for a Hello) before the link
    /// is considered stuck and reconnected.
    /// </summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
