using System.Net;
using Microsoft.Extensions.Logging;

namespace ShadowAgent.Mirror;

internal static partial class MirrorLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Stream '{Stream}' mirroring on {EndPoint}: primary {Primary}, shadow {Shadow}, share {Rate}, scenario '{Scenario}'")]
    public static partial void Listening(ILogger logger, string stream, EndPoint endPoint, string primary, string shadow, double rate, string scenario);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Stream '{Stream}' could not reach the primary {Primary}")]
    public static partial void PrimaryFailed(ILogger logger, string stream, string primary, Exception exception);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Stream '{Stream}' client connection ended with an error")]
    public static partial void ConnectionError(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Stream '{Stream}' mirrored share changed from {From} to {To}")]
    public static partial void RateChanged(ILogger logger, string stream, double from, double to);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Stream '{Stream}' stopped mirroring; {Dropped} queued copies were not sent")]
    public static partial void Stopped(ILogger logger, string stream, long dropped);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Error, Message = "Stream '{Stream}' stopped accepting connections after an error")]
    public static partial void AcceptFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Stream '{Stream}' shadow breaker open for {OpenFor} after {Failures} failed copies in a row: copies are dropped (breaker_open)")]
    public static partial void BreakerOpened(ILogger logger, string stream, int failures, TimeSpan openFor);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Information, Message = "Stream '{Stream}' shadow breaker half-open: one probe copy goes to the shadow")]
    public static partial void BreakerHalfOpen(ILogger logger, string stream);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Information, Message = "Stream '{Stream}' shadow breaker closed: the probe succeeded, copying resumes")]
    public static partial void BreakerClosed(ILogger logger, string stream);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Stream '{Stream}' rejected a client connection: {MaxConnections} connections are open")]
    public static partial void ConnectionRejected(ILogger logger, string stream, int maxConnections);
}
