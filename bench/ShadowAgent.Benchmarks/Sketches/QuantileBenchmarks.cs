using BenchmarkDotNet.Attributes;
using ShadowAgent.Sketches.Quantiles;

namespace ShadowAgent.Benchmarks.Sketches;

/// <summary>DDSketch hot path (Add per mapping) and the reads done per window (Quantile, Merge).</summary>
[MemoryDiagnoser]
public class QuantileBenchmarks
{
    private const int ValueCount = 65_536;

    private readonly double[] _values = LogNormal(ValueCount, 3, 1, 7);
    private readonly DDSketch _cubic = new(DDSketchMapping.CubicallyInterpolated());
    private readonly DDSketch _logarithmic = new(DDSketchMapping.Logarithmic());
    private DDSketch _full = null!;
    private DDSketch _other = null!;
    private DDSketch _target = null!;

    [GlobalSetup]
    public void Setup()
    {
        _full = new DDSketch();
        _other = new DDSketch();
        foreach (double value in _values)
        {
            _full.Add(value);
            _other.Add(value * 1.5);
            _cubic.Add(value);
            _logarithmic.Add(value);
        }

        _target = _full.Clone();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = ValueCount)]
    public void AddCubic()
    {
        var sketch = _cubic;
        foreach (double value in _values)
        {
            sketch.Add(value);
        }
    }

    [Benchmark(OperationsPerInvoke = ValueCount)]
    public void AddLogarithmic()
    {
        var sketch = _logarithmic;
        foreach (double value in _values)
        {
            sketch.Add(value);
        }
    }

    [Benchmark]
    public double QuantileP99() => _full.Quantile(0.99);

    [Benchmark]
    public void Merge() => _target.Merge(_other);

    private static double[] LogNormal(int n, double mu, double sigma, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = Math.Exp(mu + (sigma * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2)));
        }

        return values;
    }
}
