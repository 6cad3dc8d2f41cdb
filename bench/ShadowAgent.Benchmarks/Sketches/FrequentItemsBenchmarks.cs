using ShadowAgent.Testing;
using BenchmarkDotNet.Attributes;
using ShadowAgent.Sketches.Frequency;

namespace ShadowAgent.Benchmarks.Sketches;

/// <summary>ns per <see cref="FrequentItemsSketch.Update"/> (lg max map size 10) on Zipf(1.1) keys; must allocate 0 bytes.</summary>
[MemoryDiagnoser]
public class FrequentItemsBenchmarks
{
    private const int StreamLength = 1 << 20;

    private readonly long[] _stream = new long[StreamLength];
    private readonly FrequentItemsSketch _sketch = new();

    [Params(1_000, 100_000, 10_000_000)]
    public int DistinctKeys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var zipf = new ZipfSampler(DistinctKeys, 1.1, seed: 42);
        for (var i = 0; i < _stream.Length; i++)
        {
            _stream[i] = zipf.Next();
        }

        Update(); // warm the map to its steady state (full size, purging)
    }

    [Benchmark(OperationsPerInvoke = StreamLength)]
    public long Update()
    {
        var sketch = _sketch;
        foreach (var item in _stream)
        {
            sketch.Update(item);
        }

        return sketch.MaximumError;
    }
}
