namespace ShadowAgent.Aggregator.Models;

/// <summary>One stored model version, without its bytes.</summary>
/// <param name="ModelId">The registry's id, sent to agents as ModelUpdate.model_id.</param>
/// <param name="Stream">The stream it scores (every host's stream of that name).</param>
/// <param name="Kind">"isolation-forest" or "autoencoder".</param>
/// <param name="Version">Increasing per (stream, kind) from 1.</param>
/// <param name="Precision">Export form (Float32, Int8Weights, Int8Dynamic).</param>
/// <param name="Features">Feature names in input order.</param>
/// <param name="Threshold">The model's training fence.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the ONNX bytes.</param>
/// <param name="SizeBytes">ONNX file size.</param>
/// <param name="TrainedAtMs">When training finished.</param>
/// <param name="Rows">Profiles trained on.</param>
/// <param name="Hosts">Hosts those profiles came from.</param>
/// <param name="DataThroughMs">Newest window end among them.</param>
/// <param name="TrainingMs">Training and export time.</param>
/// <param name="FlaggedShare">Share of the training rows ONNX Runtime scores at or above the threshold.</param>
internal sealed record ModelRow(
    long ModelId, string Stream, string Kind, long Version, string Precision, string[] Features, double Threshold, string Sha256,
    int SizeBytes, long TrainedAtMs, int Rows, int Hosts, long DataThroughMs, double TrainingMs, double FlaggedShare);

/// <summary>An agent's answer to one model shipped to it.</summary>
internal sealed record ModelResultRow(string HostId, long ModelId, long Version, bool Loaded, string Message, long ReceivedMs);

/// <summary>A trained model before it is stored.</summary>
internal sealed record NewModel(
    string Stream, string Kind, long Version, string Precision, IReadOnlyList<string> Features, double Threshold, string Sha256,
    byte[] Onnx, long TrainedAtMs, int Rows, int Hosts, long DataThroughMs, double TrainingMs, double FlaggedShare);
