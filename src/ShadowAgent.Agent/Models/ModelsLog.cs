using Microsoft.Extensions.Logging;

namespace ShadowAgent.Agent.Models;

internal static partial class ModelsLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Stream {Stream}: {Kind} model v{Version} loaded ({SizeBytes} B, {Rows} training windows); it scores from the next window")]
    public static partial void Loaded(ILogger logger, string stream, string kind, long version, int sizeBytes, int rows);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Model update {ModelId} ({Kind} v{Version} for '{Stream}') rejected, the previous model keeps scoring: {Reason}")]
    public static partial void Rejected(ILogger logger, string modelId, string kind, uint version, string stream, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "ONNX Runtime is not available ({Reason}); streams are scored by the statistical detectors only and model updates are refused")]
    public static partial void RuntimeMissing(ILogger logger, string reason);
}
