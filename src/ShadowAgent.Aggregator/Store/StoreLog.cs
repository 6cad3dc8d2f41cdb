using Microsoft.Extensions.Logging;

namespace ShadowAgent.Aggregator.Store;

internal static partial class StoreLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Metadata store {Path} at schema version {Version} ({Applied} migrations applied now)")]
    public static partial void Opened(ILogger logger, string path, int version, int applied);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Pruned {Count} profiles older than {Cutoff:o}")]
    public static partial void Pruned(ILogger logger, long count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Pruning profiles failed")]
    public static partial void PruneFailed(ILogger logger, Exception exception);
}
