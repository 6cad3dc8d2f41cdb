namespace ShadowAgent.Models.Onnx;

/// <summary>
/// The ONNX versions every exported model declares. They are the newest that the independent reader our tests use
/// (Debian 12's python3-onnx 1.12) knows, and ONNX Runtime 1.31 runs all of them: IR version 8, the default
/// operator set 17 (the last where ReduceMean takes its axes as an attribute) and ai.onnx.ml 3 (TreeEnsembleRegressor
/// with float attributes).
/// </summary>
internal static class OnnxFormat
{
    public const long IrVersion = 8;
    public const long DefaultOpset = 17;
    public const string MlDomain = "ai.onnx.ml";
    public const long MlOpset = 3;
    public const string ProducerName = "ShadowAgent";

    /// <summary>Element types (TensorProto.DataType) used by our graphs.</summary>
    public const int Float = 1;
    public const int Uint8 = 2;
    public const int Int8 = 3;
    public const int Int32 = 6;
    public const int Int64 = 7;
}
