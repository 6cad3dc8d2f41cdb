using System.Runtime.InteropServices;
using Google.Protobuf;
using ShadowAgent.Models.Onnx.Proto;

namespace ShadowAgent.Models.Onnx;

/// <summary>Constant tensors (initializers), their elements stored little-endian in <c>raw_data</c>: the most
/// compact form for floats and int8, and the one ONNX Runtime maps without converting.</summary>
internal static class OnnxTensors
{
    public static TensorProto Float(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Raw(name, OnnxFormat.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    public static TensorProto Int8(string name, ReadOnlySpan<sbyte> values, params long[] dims) =>
        Raw(name, OnnxFormat.Int8, MemoryMarshal.AsBytes(values), values.Length, dims);

    public static TensorProto Int64(string name, ReadOnlySpan<long> values, params long[] dims) =>
        Raw(name, OnnxFormat.Int64, MemoryMarshal.AsBytes(values), values.Length, dims);

    private static TensorProto Raw(string name, int dataType, ReadOnlySpan<byte> bytes, int count, long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; this writer assumes a little-endian host.");
        }

        var elements = 1L;
        foreach (var dim in dims)
        {
            elements *= dim;
        }

        if (elements != count)
        {
            throw new ArgumentException($"Tensor '{name}': {count} elements do not fill shape [{string.Join(", ", dims)}].", nameof(dims));
        }

        var tensor = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
