using System.Globalization;

namespace ShadowAgent.Models.Training;

/// <summary>
/// What an exported model is and how it was trained, carried inside the ONNX file (<c>model_version</c> and
/// <c>metadata_props</c>) so the bytes alone say which version of which model over which features they hold.
/// </summary>
/// <param name="Kind">Isolation forest or autoencoder.</param>
/// <param name="Version">Monotonic version given by the trainer; a newer version replaces an older one.</param>
/// <param name="Precision">float32 or one of the int8 forms.</param>
/// <param name="Features">Feature names, in input column order.</param>
/// <param name="TrainedRows">Profiles the model was trained on.</param>
/// <param name="Threshold">Score at and above which a profile is unusual: Q3 + <see cref="FenceWidth"/> × IQR of the
/// model's own scores on its training rows (Tukey's far-out fence).</param>
/// <param name="TrainedAt">When training finished.</param>
public sealed record ModelInfo(
    ModelKind Kind,
    long Version,
    ModelPrecision Precision,
    IReadOnlyList<string> Features,
    int TrainedRows,
    double Threshold,
    DateTimeOffset TrainedAt)
{
    /// <summary>Interquartile ranges above the third quartile of the training scores where <see cref="Threshold"/> lies.</summary>
    public const double FenceWidth = 3;

    internal const string KindKey = "shadow.kind";
    internal const string PrecisionKey = "shadow.precision";
    internal const string FeaturesKey = "shadow.features";
    internal const string TrainedRowsKey = "shadow.trained_rows";
    internal const string ThresholdKey = "shadow.threshold";
    internal const string TrainedAtKey = "shadow.trained_at";

    internal IEnumerable<KeyValuePair<string, string>> ToMetadata()
    {
        yield return new(KindKey, Kind.ToString());
        yield return new(PrecisionKey, Precision.ToString());
        yield return new(FeaturesKey, string.Join(',', Features));
        yield return new(TrainedRowsKey, TrainedRows.ToString(CultureInfo.InvariantCulture));
        yield return new(ThresholdKey, Threshold.ToString("R", CultureInfo.InvariantCulture));
        yield return new(TrainedAtKey, TrainedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Reads the info back from a model's version and metadata.</summary>
    /// <exception cref="InvalidDataException">A key is missing or unreadable.</exception>
    internal static ModelInfo FromMetadata(long version, IReadOnlyDictionary<string, string> metadata)
    {
        string Get(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"ONNX model metadata lacks '{key}'; not a ShadowAgent model.");

        if (!Enum.TryParse<ModelKind>(Get(KindKey), out var kind) ||
            !Enum.TryParse<ModelPrecision>(Get(PrecisionKey), out var precision) ||
            !int.TryParse(Get(TrainedRowsKey), NumberStyles.None, CultureInfo.InvariantCulture, out var rows) ||
            !double.TryParse(Get(ThresholdKey), NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) ||
            !long.TryParse(Get(TrainedAtKey), NumberStyles.None, CultureInfo.InvariantCulture, out var trainedAt))
        {
            throw new InvalidDataException("ONNX model metadata has an unreadable shadow.* value.");
        }

        return new ModelInfo(kind, version, precision, Get(FeaturesKey).Split(','), rows, threshold,
            DateTimeOffset.FromUnixTimeMilliseconds(trainedAt));
    }
}
