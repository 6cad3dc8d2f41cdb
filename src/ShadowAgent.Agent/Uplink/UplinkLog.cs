using Microsoft.Extensions.Logging;

namespace ShadowAgent.Agent.Uplink;

internal static partial class UplinkLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Connected to aggregator {Endpoint} (aggregator {AggregatorVersion}, stored through batch {StoredThrough}, {Resending} batches to resend)")]
    public static partial void Connected(ILogger logger, string endpoint, string aggregatorVersion, ulong storedThrough, int resending);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Link to aggregator {Endpoint} failed; reconnecting in {DelayMs} ms: {Reason}")]
    public static partial void LinkFailed(ILogger logger, string endpoint, long delayMs, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Outbox full ({Capacity} batches): dropped the {Dropped} oldest")]
    public static partial void OutboxFull(ILogger logger, int capacity, int dropped);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "The aggregator sent {Kind}, which this agent version does not support; it is answered as not applied")]
    public static partial void Unsupported(ILogger logger, string kind);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Shutdown: {Count} profile batches were not acknowledged in time")]
    public static partial void UnackedAtShutdown(ILogger logger, int count);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Shutdown: every profile batch is acknowledged")]
    public static partial void DrainedAtShutdown(ILogger logger);
}
