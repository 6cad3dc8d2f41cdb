using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ShadowAgent.Taps.Listening;

internal static partial class ListenerLog
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Stream '{Stream}' could not accept a connection ({Error}); retrying in {Delay}")]
    public static partial void AcceptRetrying(ILogger logger, string stream, SocketError error, TimeSpan delay);
}
