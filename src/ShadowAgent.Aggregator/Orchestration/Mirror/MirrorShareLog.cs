using Microsoft.Extensions.Logging;

namespace ShadowAgent.Aggregator.Orchestration.Mirror;

internal static partial class MirrorShareLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Target {Target}: mirror share of '{Stream}' {From} -> {To} ({Direction}), command {CommandId}, sent {Sent}: {Reason}")]
    public static partial void Changed(ILogger logger, string target, string stream, double from, double to, string direction, string commandId, bool sent, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Mirror share result {CommandId} from {HostId}: applied {Applied}, share in force {Share} {Message}")]
    public static partial void Result(ILogger logger, string commandId, string hostId, bool applied, double share, string message);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Could not record mirror share change {CommandId} of target {Target}")]
    public static partial void RecordFailed(ILogger logger, string commandId, string target, Exception exception);
}
