using BenchmarkDotNet.Attributes;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Sketches.Cardinality;

namespace ShadowAgent.Benchmarks.Sketches;

/// <summary>
/// HLL update cost at lgK 12 with pre-hashed keys (all three sizes end in HLL mode: a lgK 12 coupon set holds at
/// most 384 coupons), and the MurmurHash3 cost of producing those hashes, measured separately.
/// </summary>
[MemoryDiagnoser]
public class HllBenchmarks
{
    private const int Batch = 1 << 16;

    private ulong[] _h1 = [];
    private ulong[] _h2 = [];
    private HllSketch _sketch = new();
    private int _offset;

    [Params(1_000, 100_000, 10_000_000)]
    public int DistinctKeys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // One sketch per parameter, fed a key stream that cycles through DistinctKeys distinct hashes, so the
        // measurement is the steady state of a sketch that sees that many distinct keys.
        _h1 = new ulong[DistinctKeys];
        _h2 = new ulong[DistinctKeys];
        Span<byte> key = stackalloc byte[8];
        for (var i = 0; i < DistinctKeys; i++)
        {
            BitConverter.TryWriteBytes(key, (long)i);
            (_h1[i], _h2[i]) = MurmurHash3.Hash128(key, 9001);
        }

        _sketch = new HllSketch(12);
        _offset = 0;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public double Update()
    {
        var sketch = _sketch;
        var h1 = _h1;
        var h2 = _h2;
        var i = _offset;
        for (var n = 0; n < Batch; n++)
        {
            sketch.Update(h1[i], h2[i]);
            if (++i == h1.Length)
            {
                i = 0;
            }
        }

        _offset = i;
        return sketch.GetEstimate();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public ulong HashOnly()
    {
        Span<byte> key = stackalloc byte[8];
        ulong acc = 0;
        for (var n = 0; n < Batch; n++)
        {
            BitConverter.TryWriteBytes(key, (long)n);
            var (a, b) = MurmurHash3.Hash128(key, 9001);
            acc ^= a + b;
        }

        return acc;
    }
}
