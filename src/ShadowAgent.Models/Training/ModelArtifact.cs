using System.Security.Cryptography;
using Google.Protobuf;
using ShadowAgent.Models.Onnx.Proto;

namespace ShadowAgent.Models.Training;

/// <summary>
/// One exported model: its ONNX bytes, what they hold (<see cref="ModelInfo"/>, read from the bytes themselves) and
/// their SHA-256, the identity a registry and the agents agree on.
/// </summary>
public sealed class ModelArtifact
{
    private readonly byte[] _onnx;

    private ModelArtifact(byte[] onnx, ModelInfo info)
    {
        _onnx = onnx;
        Info = info;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(onnx));
    }

    public ModelInfo Info { get; }

    /// <summary>The ONNX model file.</summary>
    public ReadOnlySpan<byte> Onnx => _onnx;

    public int SizeBytes => _onnx.Length;

    public string Sha256 { get; }

    /// <summary>Reads an artifact from ONNX bytes (a file or a model update), taking its info from the model's
    /// version and metadata.</summary>
    /// <exception cref="InvalidDataException">Not a protobuf ModelProto, or not written by ShadowAgent.</exception>
    public static ModelArtifact Read(ReadOnlySpan<byte> onnx)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("Not an ONNX model: " + e.Message, e);
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
        {
            metadata[entry.Key] = entry.Value;
        }

        return new ModelArtifact(onnx.ToArray(), ModelInfo.FromMetadata(model.ModelVersion, metadata));
    }

    public void Save(string path) => File.WriteAllBytes(path, _onnx);

    internal static ModelArtifact From(ModelProto model, ModelInfo info) => new(model.ToByteArray(), info);
}
