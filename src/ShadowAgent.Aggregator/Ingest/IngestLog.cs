using Microsoft.Extensions.Logging;

namespace ShadowAgent.Aggregator.Ingest;

internal static partial class IngestLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Agent {HostId} ({HostName}, {AgentVersion}) connected, session {SessionEpoch:x16}, stored through {StoredThrough}, messages {Encoding}")]
    public static partial void AgentConnected(ILogger logger, string hostId, string hostName, string agentVersion, ulong sessionEpoch, ulong storedThrough, string encoding);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Agent {HostId} session {SessionEpoch:x16} disconnected")]
    public static partial void AgentDisconnected(ILogger logger, string hostId, ulong sessionEpoch);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Agent {HostId} session {SessionEpoch:x16} replaced by a newer stream of the same host")]
    public static partial void Replaced(ILogger logger, string hostId, ulong sessionEpoch);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Agent {HostId} resent batch {Sequence}, already stored through {StoredThrough}")]
    public static partial void DuplicateBatch(ILogger logger, string hostId, ulong sequence, ulong storedThrough);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Agent {HostId} batches {First}..{Last} never arrived: the agent dropped them (its outbox was full)")]
    public static partial void BatchesLost(ILogger logger, string hostId, ulong first, ulong last);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Agent {HostId} profile of stream '{Stream}' in batch {Sequence} rejected: {Reason}")]
    public static partial void ProfileRejected(ILogger logger, string hostId, string stream, ulong sequence, string reason);
}
