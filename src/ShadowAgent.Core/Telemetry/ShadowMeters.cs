namespace ShadowAgent.Core.Telemetry;

/// <summary>
/// Names of the meters and instruments every stage reports through System.Diagnostics.Metrics.
/// Each stage counts received, sent, bytes, errors (tagged with the stage and reason) and dropped.
/// </summary>
public static class ShadowMeters
{
    public const string AgentMeter = "ShadowAgent.Agent";
    public const string AggregatorMeter = "ShadowAgent.Aggregator";

    public const string Received = "shadow.stage.received";
    public const string Sent = "shadow.stage.sent";
    public const string Bytes = "shadow.stage.bytes";
    public const string Errors = "shadow.stage.errors";
    public const string Dropped = "shadow.stage.dropped";

    /// <summary>Forward-protocol handshakes that failed, tagged with the stream and the reason; the connection was closed.</summary>
    public const string HandshakeFailures = "shadow.tap.handshake_failures";

    public const string StageTag = "stage";
    public const string StreamTag = "stream";
    public const string ReasonTag = "reason";
}
