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
        var zipf = new Zipf(DistinctKeys, 1.1, seed: 42);
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

    /// <summary>Zipf(s) ranks 1..n by rejection-inversion (Hörmann and Derflinger, ACM TOMACS 1996), no table.</summary>
    private sealed class Zipf
    {
        private readonly Random _random;
        private readonly int _n;
        private readonly double _s;
        private readonly double _hIntegralX1;
        private readonly double _hIntegralN;
        private readonly double _squeeze;

        public Zipf(int n, double s, int seed)
        {
            _random = new Random(seed);
            _n = n;
            _s = s;
            _hIntegralX1 = HIntegral(1.5) - 1;
            _hIntegralN = HIntegral(n + 0.5);
            _squeeze = 2 - HIntegralInverse(HIntegral(2.5) - H(2));
        }

        public int Next()
        {
            while (true)
            {
                var u = _hIntegralN + (_random.NextDouble() * (_hIntegralX1 - _hIntegralN));
                var x = HIntegralInverse(u);
                var k = Math.Clamp((int)(x + 0.5), 1, _n);
                if (k - x <= _squeeze || u >= HIntegral(k + 0.5) - H(k))
                {
                    return k;
                }
            }
        }

        private double H(double x) => Math.Exp(-_s * Math.Log(x));

        private double HIntegral(double x)
        {
            var logX = Math.Log(x);
            return ExpM1OverX((1 - _s) * logX) * logX;
        }

        private double HIntegralInverse(double x) => Math.Exp(Log1POverX(Math.Max(x * (1 - _s), -1)) * x);

        private static double ExpM1OverX(double x) => Math.Abs(x) > 1e-8 ? (Math.Exp(x) - 1) / x : 1 + (x / 2 * (1 + (x / 3)));

        private static double Log1POverX(double x) => Math.Abs(x) > 1e-8 ? Math.Log(1 + x) / x : 1 - (x * ((1.0 / 2) - (x / 3)));
    }
}
