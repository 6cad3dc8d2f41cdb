namespace ShadowAgent.Features.Spectral;

/// <summary>
/// Spectral and wavelet features of a fixed-length series (by default the last 1024 one-second volume
/// samples of a stream), computed into a reusable <see cref="SpectralProfile"/> without allocating.
/// One instance per thread: it owns its work buffers.
/// </summary>
/// <remarks>
/// The mean is removed first, so DC (the volume level) does not swamp the periodic part, and is reported on
/// its own. The spectrum is taken under a periodic Hann window (Harris 1978, "On the use of windows for
/// harmonic analysis with the discrete Fourier transform"): a 1024-second window rarely holds a whole number
/// of periods, and without a window the −13 dB sidelobes decaying as 1/k spread a strong tone over the whole
/// spectrum, which inflates the entropy and flatness and makes spurious local maxima. Hann's sidelobes start
/// at −31 dB and decay as 1/k³, at the price of a main lobe three bins wide; peak shares therefore count the
/// peak bin and its two neighbours. Spectral entropy follows Powell &amp; Percival 1979 ("A spectral entropy
/// method for distinguishing regular and irregular motion of Hamiltonian systems"), flatness is the
/// geometric/arithmetic mean ratio (Wiener entropy, Johnston 1988). The wavelet energies are taken on the
/// mean-removed series without the window, which would otherwise damp the ends.
/// </remarks>
public sealed class SpectralFeatures
{
    /// <summary>The series length used by the agent: 1024 seconds.</summary>
    public const int DefaultLength = 1024;

    private const int MaxDefaultWaveletLevels = 8;

    // An array, not a collection expression: a span of doubles built from constants allocated on every read.
    private static readonly double[] BandMinPeriods = [256, 64, 16, 4, 0];

    private readonly RealFft _fft;
    private readonly int _n;
    private readonly int _half;
    private readonly double _sampleIntervalSeconds;
    private readonly int _waveletLevels;
    private readonly double[] _window;
    private readonly double[] _windowed;
    private readonly double[] _re;
    private readonly double[] _im;
    private readonly double[] _power;
    private readonly byte[] _bandOfBin;
    private readonly double[] _waveletA;
    private readonly double[] _waveletB;
    private readonly double[] _energies;

    /// <param name="length">Series length: a power of two, at least 8.</param>
    /// <param name="sampleIntervalSeconds">Seconds between samples; periods are reported in seconds.</param>
    /// <param name="waveletLevels">Wavelet detail levels, 1..log2(length) − 1; by default
    /// min(8, log2(length) − 1), which at 1024 leaves an approximation of 4 samples (periods ≥ 256 s).</param>
    public SpectralFeatures(int length = DefaultLength, double sampleIntervalSeconds = 1.0, int? waveletLevels = null)
    {
        if (length < 8 || !int.IsPow2(length))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The series length must be a power of two, at least 8.");
        }

        if (!double.IsFinite(sampleIntervalSeconds) || sampleIntervalSeconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleIntervalSeconds), sampleIntervalSeconds, "The sample interval must be positive.");
        }

        var maxLevels = int.Log2(length) - 1;
        var levels = waveletLevels ?? Math.Min(MaxDefaultWaveletLevels, maxLevels);
        if (levels < 1 || levels > maxLevels)
        {
            throw new ArgumentOutOfRangeException(nameof(waveletLevels), levels, $"Wavelet levels must be between 1 and {maxLevels} for length {length}.");
        }

        _n = length;
        _half = length / 2;
        _sampleIntervalSeconds = sampleIntervalSeconds;
        _waveletLevels = levels;
        _fft = new RealFft(length);

        _window = new double[length];
        for (var i = 0; i < length; i++)
        {
            // Periodic (DFT-even) Hann: a tone on a bin lands in exactly three bins.
            _window[i] = 0.5 - (0.5 * double.CosPi(2.0 * i / length));
        }

        _windowed = new double[length];
        _re = new double[_half + 1];
        _im = new double[_half + 1];
        _power = new double[_half + 1];

        var minPeriods = BandMinPeriodsSeconds;
        _bandOfBin = new byte[_half + 1];
        for (var k = 1; k <= _half; k++)
        {
            var period = length * sampleIntervalSeconds / k;
            var band = 0;
            while (period < minPeriods[band])
            {
                band++;
            }

            _bandOfBin[k] = (byte)band;
        }

        _waveletA = new double[length];
        _waveletB = new double[_half];
        _energies = new double[levels + 1];
    }

    /// <summary>
    /// Lower period bound, in seconds, of each band of <see cref="SpectralProfile.BandShares"/>: band b holds
    /// the bins whose period p satisfies BandMinPeriodsSeconds[b] ≤ p &lt; BandMinPeriodsSeconds[b − 1], i.e.
    /// ≥ 256 s, 64–256 s, 16–64 s, 4–16 s and below 4 s (down to the Nyquist period, 2 s at 1 Hz).
    /// </summary>
    public static ReadOnlySpan<double> BandMinPeriodsSeconds => BandMinPeriods;

    /// <summary>Series length.</summary>
    public int Length => _n;

    /// <summary>Seconds between samples.</summary>
    public double SampleIntervalSeconds => _sampleIntervalSeconds;

    /// <summary>Wavelet detail levels.</summary>
    public int WaveletLevels => _waveletLevels;

    /// <summary>A profile sized for this instance, to be reused across calls.</summary>
    public SpectralProfile CreateProfile() => new(BandMinPeriodsSeconds.Length, _waveletLevels);

    /// <summary>Computes every feature of <paramref name="series"/> (oldest sample first) into <paramref name="profile"/>.</summary>
    /// <exception cref="ArgumentException">The series has the wrong length or a non-finite value, or the profile
    /// was not created by an instance with the same wavelet levels.</exception>
    public void Compute(ReadOnlySpan<double> series, SpectralProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (series.Length != _n)
        {
            throw new ArgumentException($"Expected {_n} samples, got {series.Length}.", nameof(series));
        }

        if (profile.HaarBuffer.Length != _waveletLevels + 1 || profile.BandBuffer.Length != BandMinPeriods.Length)
        {
            throw new ArgumentException("The profile was created for different wavelet levels; use CreateProfile.", nameof(profile));
        }

        var sum = 0.0;
        var maxAbs = 0.0;
        foreach (var x in series)
        {
            sum += x;
            maxAbs = Math.Max(maxAbs, Math.Abs(x));
        }

        if (!double.IsFinite(sum))
        {
            throw new ArgumentException("The series holds a NaN or infinite value, or values too large to sum.", nameof(series));
        }

        var mean = sum / _n;
        var sumSquares = 0.0;
        for (var i = 0; i < _n; i++)
        {
            var c = series[i] - mean;
            sumSquares += c * c;
            _windowed[i] = c * _window[i];
        }

        profile.Mean = mean;
        profile.Variance = sumSquares / _n;

        // Constant to rounding: a mean of 0.1s leaves residues near 1e-17 that would otherwise be analysed.
        var noise = 1e-12 * maxAbs;
        profile.IsFlat = sumSquares <= _n * noise * noise;
        if (profile.IsFlat)
        {
            Clear(profile);
            return;
        }

        var total = Spectrum();
        if (total > 0)
        {
            FindPeaks(profile, total);
            EntropyAndFlatness(profile, total);
            Bands(profile, total);
        }
        else
        {
            // Everything sat where the window is zero (the first sample): no spectrum, but wavelets still see it.
            profile.PeakCount = 0;
            profile.Entropy = 0;
            profile.Flatness = 0;
            profile.BandBuffer.Clear();
        }

        Wavelets(series, mean, profile);
    }

    private static void Clear(SpectralProfile profile)
    {
        profile.PeakCount = 0;
        profile.Entropy = 0;
        profile.Flatness = 0;
        profile.BandBuffer.Clear();
        profile.HaarBuffer.Clear();
        profile.Daubechies4Buffer.Clear();
    }

    // One-sided power: bins strictly between DC and Nyquist stand for k and n − k, so they count twice.
    // Returns the total over bins 1..n/2.
    private double Spectrum()
    {
        _fft.Forward(_windowed, _re, _im);
        var power = _power;
        power[0] = _re[0] * _re[0];
        var total = 0.0;
        for (var k = 1; k < _half; k++)
        {
            var p = 2 * ((_re[k] * _re[k]) + (_im[k] * _im[k]));
            power[k] = p;
            total += p;
        }

        power[_half] = _re[_half] * _re[_half];
        return total + power[_half];
    }

    private void FindPeaks(SpectralProfile profile, double total)
    {
        var power = _power;
        var peaks = profile.PeakBuffer;
        var count = 0;
        for (var k = 1; k <= _half; k++)
        {
            var p = power[k];
            var right = k < _half ? power[k + 1] : -1.0;
            if (!(p > power[k - 1] && p >= right))
            {
                continue;
            }

            if (count == SpectralProfile.MaxPeaks && p <= power[peaks[count - 1].Bin])
            {
                continue;
            }

            // Insertion into the (at most three) strongest so far, strongest first.
            var at = count < SpectralProfile.MaxPeaks ? count++ : count - 1;
            while (at > 0 && power[peaks[at - 1].Bin] < p)
            {
                peaks[at] = peaks[at - 1];
                at--;
            }

            peaks[at] = new SpectralPeak(0, 0, k);
        }

        for (var i = 0; i < count; i++)
        {
            var k = peaks[i].Bin;
            var lobe = power[k] + (k > 1 ? power[k - 1] : 0) + (k < _half ? power[k + 1] : 0);
            peaks[i] = new SpectralPeak(_n * _sampleIntervalSeconds / (k + Offset(k)), lobe / total, k);
        }

        profile.PeakCount = count;
    }

    // Where between bins the maximum lies: a parabola through the log powers (exact for a Gaussian lobe,
    // close for Hann), clamped to half a bin.
    private double Offset(int k)
    {
        if (k < 2 || k >= _half)
        {
            return 0;
        }

        var a = _power[k - 1];
        var b = _power[k];
        var c = _power[k + 1];
        if (!(a > 0 && c > 0))
        {
            return 0;
        }

        var la = Math.Log(a);
        var lb = Math.Log(b);
        var lc = Math.Log(c);
        var curvature = la - (2 * lb) + lc;
        return curvature < 0 ? Math.Clamp(0.5 * (la - lc) / curvature, -0.5, 0.5) : 0;
    }

    private void EntropyAndFlatness(SpectralProfile profile, double total)
    {
        var bins = _half;
        var (sumLog, sumPLogP, zeros) = SpectralKernels.LogSums(_power.AsSpan(1, bins));

        // With q = p / S: −Σ q ln q = ln S − (Σ p ln p) / S, so one logarithm per bin serves both features.
        var logTotal = Math.Log(total);
        var entropy = (logTotal - (sumPLogP / total)) / Math.Log(bins);
        profile.Entropy = Math.Clamp(entropy, 0, 1);

        profile.Flatness = zeros > 0 ? 0 : Math.Clamp(Math.Exp((sumLog / bins) - (logTotal - Math.Log(bins))), 0, 1);
    }

    private void Bands(SpectralProfile profile, double total)
    {
        var shares = profile.BandBuffer;
        shares.Clear();
        for (var k = 1; k <= _half; k++)
        {
            shares[_bandOfBin[k]] += _power[k];
        }

        for (var b = 0; b < shares.Length; b++)
        {
            shares[b] /= total;
        }
    }

    private void Wavelets(ReadOnlySpan<double> series, double mean, SpectralProfile profile)
    {
        Center(series, mean);
        WaveletEnergies.Haar(_waveletA, _waveletB, _energies);
        Shares(_energies, profile.HaarBuffer);

        Center(series, mean);
        WaveletEnergies.Daubechies4(_waveletA, _waveletB, _energies);
        Shares(_energies, profile.Daubechies4Buffer);
    }

    private void Center(ReadOnlySpan<double> series, double mean)
    {
        for (var i = 0; i < _n; i++)
        {
            _waveletA[i] = series[i] - mean;
        }
    }

    private static void Shares(ReadOnlySpan<double> energies, Span<double> shares)
    {
        var total = 0.0;
        foreach (var e in energies)
        {
            total += e;
        }

        for (var i = 0; i < energies.Length; i++)
        {
            shares[i] = total > 0 ? energies[i] / total : 0;
        }
    }
}
