using System.Net;
using Microsoft.Extensions.Logging;

namespace ShadowAgent.Taps.Sockets;

internal static partial class TapLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Stream '{Stream}' listening on {Kind} {EndPoint}")]
    public static partial void Listening(ILogger logger, string stream, string kind, EndPoint endPoint);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Stream '{Stream}' rejected a connection: {MaxConnections} connections are open")]
    public static partial void ConnectionRejected(ILogger logger, string stream, int maxConnections);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Stream '{Stream}' connection ended with an error")]
    public static partial void ConnectionError(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Stream '{Stream}' stopped accepting connections after an error")]
    public static partial void AcceptFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Stream '{Stream}' stopped listening; {Abandoned} connections did not finish parsing in time")]
    public static partial void Stopped(ILogger logger, string stream, int abandoned);
}
