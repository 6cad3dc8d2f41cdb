using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Core.Streams;
using ShadowAgent.Detection.Profiles;
using ShadowAgent.Models.Autoencoder;
using ShadowAgent.Models.Forest;
using ShadowAgent.Models.Training;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Tests.Models;

/// <summary>Real models trained for a test stream's features (small, seeded), and the updates that carry them.</summary>
internal static class ModelFiles
{
    public static StreamOptions Stream(string name = "orders", int warmup = 10) => new()
    {
        Name = name,
        Tap = new TapOptions { Address = "127.0.0.1:7410" },
        NumericFields = ["latency_ms"],
        Window = TimeSpan.FromSeconds(1),
        Detection = { Warmup = warmup },
    };

    public static IReadOnlyList<string> Features(StreamOptions stream) => new ProfileFeatures(stream.NumericFields, stream.KeyFields).Names;

    /// <summary>A model of <paramref name="kind"/> over <paramref name="features"/>, trained on rows like the test windows:
    /// 80-120 records of 100 bytes, latency around 40.</summary>
    public static ModelArtifact Train(ModelKind kind, long version, IReadOnlyList<string> features, int seed = 3)
    {
        var random = new Random(seed);
        var rows = new double[200][];
        for (var r = 0; r < rows.Length; r++)
        {
            var row = new double[features.Count];
            for (var f = 0; f < row.Length; f++)
            {
                row[f] = features[f] switch
                {
                    "records" => random.Next(80, 121),
                    "bytes_per_record" => 100,
                    "numeric.latency_ms.mean" or "numeric.latency_ms.p50" or "numeric.latency_ms.p99" => 40 + random.NextDouble(),
                    _ => random.NextDouble() * 0.01,
                };
            }

            rows[r] = row;
        }

        var trainer = new ModelTrainer(features, new IsolationForestOptions { Trees = 3 }, new AutoencoderOptions { Epochs = 10 });
        var matrix = FeatureMatrix.FromRows(rows);
        return kind == ModelKind.IsolationForest ? trainer.TrainIsolationForest(matrix, version) : trainer.TrainAutoencoder(matrix, version);
    }

    public static ModelUpdate Update(ModelArtifact artifact, string stream = "orders", string? modelId = null) =>
        Update(artifact.Onnx.ToArray(), ModelKindNames.Name(artifact.Info.Kind), (uint)artifact.Info.Version, stream, modelId);

    public static ModelUpdate Update(byte[] onnx, string kind, uint version, string stream = "orders", string? modelId = null) => new()
    {
        ModelId = modelId ?? $"{kind}-{version}",
        Kind = kind,
        Version = version,
        Stream = stream,
        Onnx = ByteString.CopyFrom(onnx),
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(onnx)),
    };

    /// <summary>The same bytes with every occurrence of an ASCII string replaced by another of the same length: still a
    /// well-formed protobuf with ShadowAgent's metadata, but (for an operator name) a graph ONNX Runtime cannot load.</summary>
    public static byte[] Replace(ReadOnlySpan<byte> onnx, string from, string to)
    {
        var bytes = onnx.ToArray();
        var pattern = Encoding.ASCII.GetBytes(from);
        var replaced = 0;
        for (var at = bytes.AsSpan().IndexOf(pattern); at >= 0; at = bytes.AsSpan().IndexOf(pattern))
        {
            Encoding.ASCII.GetBytes(to).CopyTo(bytes, at);
            replaced++;
        }

        Assert.True(replaced > 0, $"'{from}' not in the model");
        return bytes;
    }
}
