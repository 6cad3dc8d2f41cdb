using Microsoft.Extensions.Logging;

namespace ShadowAgent.Aggregator.Orchestration;

internal static partial class OrchestratorLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Orchestrator started with {Targets} targets")]
    public static partial void Started(ILogger logger, int targets);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Target {Target}: {Action} {From} -> {To} cores (command {CommandId}, dry run {DryRun}, sent {Sent}): {Reason}")]
    public static partial void Decided(ILogger logger, string target, string action, double from, double to, string commandId, bool dryRun, bool sent, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Target {Target}: agent {HostId} is not connected or its queue is full; command {CommandId} not sent")]
    public static partial void NotSent(ILogger logger, string target, string hostId, string commandId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Command {CommandId} from {HostId}: {Status} {Message}")]
    public static partial void Result(ILogger logger, string commandId, string hostId, string status, string message);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Target {Target}: decision {DecisionId} outcome measured; learned {Learned}")]
    public static partial void Learned(ILogger logger, string target, long decisionId, string learned);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "Orchestrator could not record for target {Target}")]
    public static partial void RecordFailed(ILogger logger, string target, Exception exception);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Error, Message = "Could not record command result {CommandId} from {HostId}")]
    public static partial void ResultFailed(ILogger logger, string commandId, string hostId, Exception exception);
}
