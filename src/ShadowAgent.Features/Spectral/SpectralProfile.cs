namespace ShadowAgent.Features.Spectral;

/// <summary>
/// The spectral features of one series, filled by <see cref="SpectralFeatures.Compute"/>. Create it once
/// with <see cref="SpectralFeatures.CreateProfile"/> and reuse it: computing into it allocates nothing.
/// </summary>
public sealed class SpectralProfile
{
    /// <summary>How many dominant peaks a profile keeps.</summary>
    public const int MaxPeaks = 3;

    private readonly SpectralPeak[] _peaks = new SpectralPeak[MaxPeaks];
    private readonly double[] _bandShares;
    private readonly double[] _haarShares;
    private readonly double[] _daubechies4Shares;

    internal SpectralProfile(int bandCount, int waveletLevels)
    {
        _bandShares = new double[bandCount];
        _haarShares = new double[waveletLevels + 1];
        _daubechies4Shares = new double[waveletLevels + 1];
    }

    /// <summary>Mean of the series (removed before everything else).</summary>
    public double Mean { get; internal set; }

    /// <summary>Variance of the series (population).</summary>
    public double Variance { get; internal set; }

    /// <summary>
    /// True when the series is constant (to 1e-12 of its magnitude): there is no spectrum to speak of, so
    /// every share, the entropy and the flatness are 0 and there are no peaks.
    /// </summary>
    public bool IsFlat { get; internal set; }

    /// <summary>Up to <see cref="MaxPeaks"/> local maxima of the spectrum, strongest first. DC is never one.</summary>
    public ReadOnlySpan<SpectralPeak> DominantPeaks => _peaks.AsSpan(0, PeakCount);

    /// <summary>Shannon entropy of the normalized power spectrum (DC excluded) divided by its maximum, in [0, 1]:
    /// 1 for white noise, near 0 for a single tone.</summary>
    public double Entropy { get; internal set; }

    /// <summary>Geometric over arithmetic mean of the power spectrum (DC excluded), in [0, 1]: about 0.56 for
    /// white noise under a Hann window (e^−γ for exponentially distributed bin powers), near 0 for tones.</summary>
    public double Flatness { get; internal set; }

    /// <summary>Share of the power in each period band of <see cref="SpectralFeatures.BandMinPeriodsSeconds"/>.</summary>
    public ReadOnlySpan<double> BandShares => _bandShares;

    /// <summary>Energy share of each Haar wavelet level: [0..L-1] are detail levels 1..L (finest first),
    /// [L] the approximation. Sums to 1 unless the series is flat.</summary>
    public ReadOnlySpan<double> HaarShares => _haarShares;

    /// <summary>As <see cref="HaarShares"/>, for the Daubechies 4-tap wavelet.</summary>
    public ReadOnlySpan<double> Daubechies4Shares => _daubechies4Shares;

    internal int PeakCount { get; set; }

    internal Span<SpectralPeak> PeakBuffer => _peaks;

    internal Span<double> BandBuffer => _bandShares;

    internal Span<double> HaarBuffer => _haarShares;

    internal Span<double> Daubechies4Buffer => _daubechies4Shares;
}
