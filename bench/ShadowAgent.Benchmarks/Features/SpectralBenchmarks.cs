using BenchmarkDotNet.Attributes;
using MathNet.Numerics.IntegralTransforms;
using ShadowAgent.Features.Spectral;

namespace ShadowAgent.Benchmarks.Features;

/// <summary>
/// The per-window spectral work at the agent's default length (1024 one-second samples), against
/// MathNet.Numerics' real FFT. MathNet transforms in place, so its figure includes copying the series into
/// its n + 2 buffer (1024 doubles, tens of nanoseconds); ours reads the series and writes separate spans.
/// </summary>
[MemoryDiagnoser]
public class SpectralBenchmarks
{
    private const int N = 1024;

    private readonly double[] _series = new double[N];
    private readonly double[] _mathNet = new double[N + 2];
    private readonly RealFft _fft = new(N);
    private readonly double[] _re = new double[(N / 2) + 1];
    private readonly double[] _im = new double[(N / 2) + 1];
    private readonly SpectralFeatures _features = new(N);
    private SpectralProfile _profile = null!;

    [GlobalSetup]
    public void Setup()
    {
        // A volume series: level, a minute cycle, a slower one and noise.
        var random = new Random(1234);
        for (var t = 0; t < N; t++)
        {
            _series[t] = 500 + (40 * Math.Sin(2 * Math.PI * t / 60)) + (25 * Math.Sin(2 * Math.PI * t / 300)) + (random.NextDouble() * 30);
        }

        _profile = _features.CreateProfile();
    }

    [Benchmark(Baseline = true)]
    public double MathNetForwardReal()
    {
        _series.CopyTo(_mathNet, 0);
        Fourier.ForwardReal(_mathNet, N, FourierOptions.Default);
        return _mathNet[2];
    }

    [Benchmark]
    public double RealFftForward()
    {
        _fft.Forward(_series, _re, _im);
        return _re[1];
    }

    [Benchmark]
    public double SpectrumAndFeatures()
    {
        _features.Compute(_series, _profile);
        return _profile.Entropy;
    }
}
