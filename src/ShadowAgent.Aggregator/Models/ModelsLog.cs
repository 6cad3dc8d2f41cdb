using Microsoft.Extensions.Logging;

namespace ShadowAgent.Aggregator.Models;

internal static partial class ModelsLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Stream '{Stream}': trained {Kind} v{Version} on {Rows} windows of {Hosts} hosts in {TrainingMs:F0} ms ({SizeBytes} B, threshold {Threshold:G4}, {FlaggedShare:P1} of training rows over it)")]
    public static partial void Trained(ILogger logger, string stream, string kind, long version, int rows, int hosts, double trainingMs, int sizeBytes, double threshold, double flaggedShare);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Stream '{Stream}' not retrained: {Detail}")]
    public static partial void NotTrained(ILogger logger, string stream, string detail);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Stream '{Stream}': retraining failed")]
    public static partial void Failed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Agent {HostId}: model update {ModelId} not queued, its outbound queue is full; it gets the latest models when it reconnects")]
    public static partial void QueueFull(ILogger logger, string hostId, long modelId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Agent {HostId}: model {ModelId} v{Version} {Outcome}: {Message}")]
    public static partial void Result(ILogger logger, string hostId, string modelId, uint version, string outcome, string message);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Stream '{Stream}': {Undecodable} stored profiles did not decode and were left out of training")]
    public static partial void Undecodable(ILogger logger, string stream, int undecodable);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Scheduled model refresh failed")]
    public static partial void RoundFailed(ILogger logger, Exception exception);
}
