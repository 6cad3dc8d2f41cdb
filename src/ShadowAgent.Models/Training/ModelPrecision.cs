namespace ShadowAgent.Models.Training;

/// <summary>How an exported model stores and computes with its weights.</summary>
public enum ModelPrecision
{
    /// <summary>float32 weights and arithmetic.</summary>
    Float32,

    /// <summary>int8 weights (symmetric, one scale per output channel) dequantized to float32 in the graph
    /// (<c>DequantizeLinear</c> → <c>MatMul</c>): a quarter of the weight bytes, float32 arithmetic.</summary>
    Int8Weights,

    /// <summary>int8 weights and int8 arithmetic: activations quantized per row at run time
    /// (<c>DynamicQuantizeLinear</c> → <c>MatMulInteger</c> → rescale).</summary>
    Int8Dynamic,
}
