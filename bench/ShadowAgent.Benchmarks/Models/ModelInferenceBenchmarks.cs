using BenchmarkDotNet.Attributes;
using ShadowAgent.Models.Runtime;

namespace ShadowAgent.Benchmarks.Models;

/// <summary>
/// One profile (batch of 1, twelve features) scored by one exported model in ONNX Runtime, through the agent's
/// scorer (preallocated tensors bound once). The fp32-against-int8 comparison: the autoencoder as float32, as
/// int8 weights run in float32 (the scorer's default for that file), as int8 weights run by ONNX Runtime's fused
/// 8-bit kernel (MatMulNBits), and as int8 weights with int8 arithmetic (DynamicQuantizeMatMul).
/// </summary>
[MemoryDiagnoser]
public class ModelInferenceBenchmarks
{
    private OnnxScorer _scorer = null!;
    private double[][] _vectors = [];
    private int _next;

    [ParamsSource(nameof(AllVariants))]
    public string Variant { get; set; } = "";

    public static IEnumerable<string> AllVariants => ModelWorkload.Variants;

    [GlobalSetup]
    public void Setup()
    {
        _scorer = ModelWorkload.Scorer(Variant);
        _vectors = ModelWorkload.Vectors(1024);
    }

    [GlobalCleanup]
    public void Cleanup() => _scorer.Dispose();

    [Benchmark(Description = "score one 12-feature profile")]
    public float Score()
    {
        var score = _scorer.Score(_vectors[_next]);
        _next = (_next + 1) % _vectors.Length;
        return score;
    }
}
