using Microsoft.Extensions.Logging;

namespace ShadowAgent.Agent.Hosting;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Tap {Stream} listening on {Kind} {EndPoint} ({ElapsedMs:F1} ms since start)")]
    public static partial void TapListening(ILogger logger, string stream, string kind, string endPoint, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "shadow-agent {Version} started: host {HostId}, {Streams} streams, aggregator {Endpoint} ({ElapsedMs:F1} ms since start)")]
    public static partial void Started(ILogger logger, string version, string hostId, int streams, string endpoint, double elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Taps stopped; {Profiles} profiles of the current windows queued as partial")]
    public static partial void ClosedAtShutdown(ILogger logger, int profiles);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Spool {Directory}: {Recovered} unacknowledged batches recovered for resending under epoch {Epoch:x16}")]
    public static partial void SpoolRecovered(ILogger logger, string directory, int recovered, ulong epoch);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Spool {Directory}: {Corrupt} batch files could not be read back and were set aside as *.corrupt")]
    public static partial void SpoolCorrupt(ILogger logger, string directory, int corrupt);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Metrics served on http://{EndPoint}/metrics")]
    public static partial void MetricsListening(ILogger logger, System.Net.EndPoint endPoint);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Window closing failed for stream {Stream}")]
    public static partial void CloseFailed(ILogger logger, string stream, Exception exception);
}
