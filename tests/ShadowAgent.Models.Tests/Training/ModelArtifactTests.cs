using Google.Protobuf;
using ShadowAgent.Models.Onnx.Proto;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Tests.Training;

public sealed class ModelArtifactTests
{
    [Fact]
    public void Read_ExportedBytes_InfoAndVersionFromTheFile()
    {
        var exported = TestData.Trainer().TrainAutoencoder(TestData.Training, version: 42, ModelPrecision.Int8Weights);

        var read = ModelArtifact.Read(exported.Onnx);

        Assert.Equal(42, read.Info.Version);
        Assert.Equal(ModelKind.Autoencoder, read.Info.Kind);
        Assert.Equal(ModelPrecision.Int8Weights, read.Info.Precision);
        Assert.Equal(SyntheticProfiles.Names, read.Info.Features);
        Assert.Equal(TestData.Training.Rows, read.Info.TrainedRows);
        Assert.Equal(exported.Info.Threshold, read.Info.Threshold);
        Assert.Equal(TestData.TrainedAt, read.Info.TrainedAt);
        Assert.Equal(exported.Sha256, read.Sha256);
    }

    [Fact]
    public void Read_ModelProtoFields_WhatTheSpecRequires()
    {
        var exported = TestData.Trainer().TrainIsolationForest(TestData.Training, version: 9);

        var model = ModelProto.Parser.ParseFrom(exported.Onnx);

        Assert.Equal(8, model.IrVersion);
        Assert.Equal(9, model.ModelVersion);
        Assert.Equal("ShadowAgent", model.ProducerName);
        Assert.Contains(model.OpsetImport, o => o.Domain == "" && o.Version == 17);
        Assert.Contains(model.OpsetImport, o => o.Domain == "ai.onnx.ml" && o.Version == 3);
        Assert.Equal(["TreeEnsembleRegressor", "Mul", "Exp"], model.Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Read_NotOnnx_InvalidDataException() =>
        Assert.Throws<InvalidDataException>(() => ModelArtifact.Read([0xFF, 0xFF, 0xFF, 0xFF]));

    [Fact]
    public void Read_OnnxWithoutShadowMetadata_InvalidDataException()
    {
        var foreign = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } }.ToByteArray();

        var error = Assert.Throws<InvalidDataException>(() => ModelArtifact.Read(foreign));

        Assert.Contains("shadow.kind", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BrokenModel_CheckerRejectsIt()
    {
        // The checker is a real reader: a node whose input nothing defines must fail it.
        var model = ModelProto.Parser.ParseFrom(TestData.Trainer().TrainIsolationForest(TestData.Training, version: 1).Onnx);
        model.Graph.Node[1].Input[0] = "undefined_value";

        var (exitCode, output) = OnnxChecker.Run(model.ToByteArray(), "broken");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("undefined_value", output, StringComparison.Ordinal);
    }
}
