using ShadowAgent.Features.Spectral;

namespace ShadowAgent.Features.Tests.Spectral;

public sealed class SpectralFeaturesTests
{
    private const int N = 1024;

    // Period resolution near p at 1 Hz over N seconds: neighbouring bins are p²/N apart.
    private static double Resolution(double period) => period * period / N;

    private static double[] Tone(double period, double amplitude, double phase = 0.4) =>
        [.. Enumerable.Range(0, N).Select(t => amplitude * Math.Sin((2 * Math.PI * t / period) + phase))];

    private static double[] Noise(int seed, double sigma = 1)
    {
        var random = new Random(seed);
        var x = new double[N];
        for (var i = 0; i < N; i++)
        {
            // Box–Muller: Gaussian white noise.
            var u = 1 - random.NextDouble();
            x[i] = sigma * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
        }

        return x;
    }

    private static SpectralProfile Compute(double[] series)
    {
        var features = new SpectralFeatures();
        var profile = features.CreateProfile();
        features.Compute(series, profile);
        return profile;
    }

    private static void AssertNoNaN(SpectralProfile p)
    {
        Assert.True(double.IsFinite(p.Entropy) && double.IsFinite(p.Flatness) && double.IsFinite(p.Variance));
        foreach (var v in p.BandShares)
        {
            Assert.True(double.IsFinite(v));
        }

        foreach (var v in p.HaarShares)
        {
            Assert.True(double.IsFinite(v));
        }

        foreach (var v in p.Daubechies4Shares)
        {
            Assert.True(double.IsFinite(v));
        }
    }

    [Fact]
    public void Compute_Sinusoid60s_DominantPeriodIs60sCarryingMostPower()
    {
        var series = Tone(60, 20).Select(v => v + 100).ToArray();
        var profile = Compute(series);

        Assert.False(profile.IsFlat);
        Assert.Equal(100, profile.Mean, 0.1);
        var top = profile.DominantPeaks[0];
        Assert.InRange(top.PeriodSeconds, 60 - (Resolution(60) / 2), 60 + (Resolution(60) / 2));
        Assert.True(top.PowerShare > 0.9, $"share {top.PowerShare}");
        Assert.True(profile.Entropy < 0.3, $"entropy {profile.Entropy}");
        Assert.True(profile.Flatness < 0.01, $"flatness {profile.Flatness}");
        // Bin 16 is exactly 64 s, so the lower edge of the tone's lobe falls in the 64–256 s band.
        Assert.True(profile.BandShares[2] > 0.8, $"16–64 s band {profile.BandShares[2]}");
        Assert.True(profile.BandShares[1] + profile.BandShares[2] > 0.99);
    }

    [Fact]
    public void Compute_Sinusoid60s_InterpolatedPeriodWithinOneSecond()
    {
        var profile = Compute(Tone(60, 1));
        Assert.Equal(60, profile.DominantPeaks[0].PeriodSeconds, 1.0);
    }

    [Fact]
    public void Compute_WhiteNoise_EntropyNearOneAndFlatnessHigh()
    {
        var profile = Compute(Noise(seed: 5));
        Assert.True(profile.Entropy > 0.9, $"entropy {profile.Entropy}");
        Assert.True(profile.Flatness > 0.4, $"flatness {profile.Flatness}");
        Assert.Equal(1, profile.BandShares.ToArray().Sum(), 1e-12);

        // White noise spreads power by bandwidth: the 2–4 s band spans half the spectrum.
        Assert.InRange(profile.BandShares[4], 0.4, 0.6);
        Assert.All(profile.DominantPeaks.ToArray(), p => Assert.True(p.PowerShare < 0.05));
    }

    [Fact]
    public void Compute_TwoTonesWithNoise_FindsBothPeriods()
    {
        var a = Tone(60, 10);
        var b = Tone(17, 6, phase: 1.1);
        var noise = Noise(seed: 9, sigma: 0.5);
        var series = a.Select((v, i) => 50 + v + b[i] + noise[i]).ToArray();

        var profile = Compute(series);
        var peaks = profile.DominantPeaks;
        Assert.Equal(SpectralProfile.MaxPeaks, peaks.Length);
        Assert.Equal(60, peaks[0].PeriodSeconds, Resolution(60) / 2);
        Assert.Equal(17, peaks[1].PeriodSeconds, Resolution(17) / 2);
        Assert.True(peaks[0].PowerShare > peaks[1].PowerShare);
        Assert.True(peaks[0].PowerShare + peaks[1].PowerShare > 0.9);
        Assert.True(peaks[2].PowerShare < 0.01);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(5.0)]
    [InlineData(0.1)]
    [InlineData(-123456.789)]
    public void Compute_Constant_NoPeaksAndNoNaN(double level)
    {
        var profile = Compute(Enumerable.Repeat(level, N).ToArray());
        Assert.True(profile.IsFlat);
        Assert.Equal(level, profile.Mean, 1e-9 * Math.Max(1, Math.Abs(level)));
        Assert.Equal(0, profile.DominantPeaks.Length);
        Assert.Equal(0, profile.Entropy);
        Assert.Equal(0, profile.Flatness);
        AssertNoNaN(profile);
    }

    [Fact]
    public void Compute_ReusedProfile_ForgetsPreviousSeries()
    {
        var features = new SpectralFeatures();
        var profile = features.CreateProfile();
        features.Compute(Tone(60, 1), profile);
        features.Compute(new double[N], profile);
        Assert.Equal(0, profile.DominantPeaks.Length);
        Assert.All(profile.HaarShares.ToArray(), v => Assert.Equal(0, v));
        features.Compute(Tone(100, 1), profile);
        Assert.Equal(100, profile.DominantPeaks[0].PeriodSeconds, Resolution(100) / 2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Compute_RandomSeries_WaveletSharesSumToOne(int seed)
    {
        var noise = Noise(seed);
        var profile = Compute([.. noise.Select((v, i) => v + Math.Sin(i / 30.0) * 3)]);
        Assert.Equal(1, profile.HaarShares.ToArray().Sum(), 1e-12);
        Assert.Equal(1, profile.Daubechies4Shares.ToArray().Sum(), 1e-12);
        Assert.Equal(9, profile.HaarShares.Length);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(300)]
    public void Compute_Step_EnergyInCoarseLevels(int at)
    {
        var series = Enumerable.Range(0, N).Select(i => i < at ? 10.0 : 30.0).ToArray();
        var profile = Compute(series);
        foreach (var shares in new[] { profile.HaarShares.ToArray(), profile.Daubechies4Shares.ToArray() })
        {
            // Levels 7, 8 and the approximation: scales of 128 s and more.
            var coarse = shares[6] + shares[7] + shares[8];
            Assert.True(coarse > 0.9, $"coarse {coarse}: {string.Join(", ", shares)}");
            Assert.True(shares[0] < 0.01, $"finest {shares[0]}");
        }
    }

    [Fact]
    public void Compute_StepOnDyadicBoundary_HaarPutsAllInApproximation()
    {
        var profile = Compute([.. Enumerable.Range(0, N).Select(i => i < 512 ? 0.0 : 1.0)]);
        Assert.Equal(1, profile.HaarShares[^1], 1e-12);
    }

    [Fact]
    public void Compute_AlternatingSigns_AllEnergyInLevelOne()
    {
        var profile = Compute([.. Enumerable.Range(0, N).Select(i => i % 2 == 0 ? 1.0 : -1.0)]);
        Assert.Equal(1, profile.HaarShares[0], 1e-12);
        Assert.Equal(1, profile.Daubechies4Shares[0], 1e-12);

        // The spectrum agrees: everything at the Nyquist period, 2 s.
        Assert.Equal(2, profile.DominantPeaks[0].PeriodSeconds, 1e-9);
        Assert.Equal(1, profile.BandShares[4], 1e-9);
    }

    [Fact]
    public void Compute_AfterWarmUp_AllocatesNothing()
    {
        var features = new SpectralFeatures();
        var profile = features.CreateProfile();
        var series = Noise(seed: 2);
        features.Compute(series, profile);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            features.Compute(series, profile);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Compute_SampleIntervalTenSeconds_ReportsPeriodInSeconds()
    {
        var features = new SpectralFeatures(N, sampleIntervalSeconds: 10);
        var profile = features.CreateProfile();
        features.Compute(Tone(60, 1), profile);
        Assert.Equal(600, profile.DominantPeaks[0].PeriodSeconds, 10 * Resolution(60) / 2);
        Assert.True(profile.BandShares[0] > 0.99);
    }

    [Fact]
    public void Compute_BadInput_Throws()
    {
        var features = new SpectralFeatures(64);
        var profile = features.CreateProfile();
        Assert.Throws<ArgumentException>(() => features.Compute(new double[63], profile));
        var withNaN = new double[64];
        withNaN[5] = double.NaN;
        Assert.Throws<ArgumentException>(() => features.Compute(withNaN, profile));
        Assert.Throws<ArgumentException>(() => features.Compute(new double[64], new SpectralFeatures(64, waveletLevels: 2).CreateProfile()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpectralFeatures(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpectralFeatures(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpectralFeatures(64, waveletLevels: 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpectralFeatures(64, sampleIntervalSeconds: 0));
    }
}
