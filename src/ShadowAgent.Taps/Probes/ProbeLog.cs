using Microsoft.Extensions.Logging;

namespace ShadowAgent.Taps.Probes;

internal static partial class ProbeLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Stream '{Stream}' probing {Target} every {Interval}")]
    public static partial void Started(ILogger logger, string stream, string target, TimeSpan interval);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Stream '{Stream}': nothing to read for {Target} yet (no such cgroup, or no readable counters); the probe keeps looking")]
    public static partial void NothingToRead(ILogger logger, string stream, string target);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Stream '{Stream}': a probe sample failed")]
    public static partial void SampleFailed(ILogger logger, string stream, Exception exception);
}
