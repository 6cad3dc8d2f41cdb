using System.Text.Json.Serialization;

namespace ShadowAgent.Aggregator.Api;

internal sealed record ModelList(IReadOnlyList<ModelVersionInfo> Models);

/// <summary>One stored model version (without its bytes: GET /api/v1/models/{id}/onnx) and the agents' answers to it.</summary>
internal sealed record ModelVersionInfo(
    long Id, string Stream, string Kind, long Version, string Precision, IReadOnlyList<string> Features, double Threshold,
    string Sha256, int SizeBytes, long TrainedAtUnixMs, int Rows, int Hosts, long DataThroughUnixMs, double TrainingMs,
    double FlaggedShare, IReadOnlyList<ModelResultInfo> Results);

/// <summary>An agent's latest answer to a model update.</summary>
internal sealed record ModelResultInfo(string Host, long Version, bool Loaded, string Message, long ReceivedUnixMs);

internal sealed record RetrainList(IReadOnlyList<RetrainInfo> Streams);

/// <summary>What a retraining did for one stream: status trained, unchanged, not_enough_profiles or unknown_stream.</summary>
internal sealed record RetrainInfo(string Stream, string Status, int Rows, int Shipped, string? Detail, IReadOnlyList<ModelVersionInfo> Models);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(RetrainList))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;
