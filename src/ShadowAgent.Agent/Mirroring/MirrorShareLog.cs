using Microsoft.Extensions.Logging;

namespace ShadowAgent.Agent.Mirroring;

internal static partial class MirrorShareLog
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Mirror share of '{Stream}' {Before} -> {After} (command {CommandId}): {Reason}")]
    public static partial void Applied(ILogger logger, string commandId, string stream, double before, double after, string reason);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Mirror share update {CommandId} for '{Stream}' not applied: {Message}")]
    public static partial void Rejected(ILogger logger, string commandId, string stream, string message);
}
