using Microsoft.Extensions.Logging;

namespace ShadowAgent.Taps.Files;

internal static partial class FileTapLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Stream '{Stream}' tailing {Patterns} every {PollMs} ms")]
    public static partial void Tailing(ILogger logger, string stream, string patterns, double pollMs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Stream '{Stream}' opened {Path} ({Identity}) at offset {Offset}")]
    public static partial void Opened(ILogger logger, string stream, string path, FileIdentity identity, long offset);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Stream '{Stream}' finished {Path} ({Identity}), which was rotated away or deleted, at offset {Offset}")]
    public static partial void Closed(ILogger logger, string stream, string path, FileIdentity identity, long offset);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Stream '{Stream}' found {Path} truncated or rewritten (read up to {Offset}, now {Size} bytes); reading it again from the start")]
    public static partial void Truncated(ILogger logger, string stream, string path, long offset, long size);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Stream '{Stream}' cannot open {Path}")]
    public static partial void OpenFailed(ILogger logger, string stream, string path, Exception exception);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning, Message = "Stream '{Stream}' ignores its checkpoint and starts over")]
    public static partial void CheckpointUnreadable(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Stream '{Stream}' could not write its checkpoint")]
    public static partial void CheckpointFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Error, Message = "Stream '{Stream}' file tap poll failed; it tries again at the next poll")]
    public static partial void PollFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Information, Message = "Stream '{Stream}' stopped tailing; checkpoint at {Files} files")]
    public static partial void Stopped(ILogger logger, string stream, int files);
}
