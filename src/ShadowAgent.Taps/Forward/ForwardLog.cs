using System.Net;
using Microsoft.Extensions.Logging;

namespace ShadowAgent.Taps.Forward;

internal static partial class ForwardLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Stream '{Stream}' listening for the forward protocol on {EndPoint}")]
    public static partial void Listening(ILogger logger, string stream, EndPoint endPoint);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Stream '{Stream}' rejected a forward connection: {MaxConnections} connections are open")]
    public static partial void ConnectionRejected(ILogger logger, string stream, int maxConnections);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Stream '{Stream}' forward connection ended with an error")]
    public static partial void ConnectionError(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Error, Message = "Stream '{Stream}' stopped accepting forward connections after an error")]
    public static partial void AcceptFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Information, Message = "Stream '{Stream}' stopped listening for the forward protocol")]
    public static partial void Stopped(ILogger logger, string stream);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Stream '{Stream}' closed a forward connection from {Remote} that failed the handshake: {Reason} ({Suppressed} more failures not logged since the last one logged; at most 10 a second are)")]
    public static partial void HandshakeFailed(ILogger logger, string stream, EndPoint? remote, string reason, long suppressed);
}
