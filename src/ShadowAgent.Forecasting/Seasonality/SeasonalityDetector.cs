using ShadowAgent.Features.Spectral;

namespace ShadowAgent.Forecasting.Seasonality;

/// <summary>
/// Finds the season of a series with a periodogram and an autocorrelation check, in the AUTOPERIOD way
/// (Vlachos, Yu &amp; Castelli 2005, "On periodicity detection and structural periodic similarity", SDM): the
/// strongest periodogram bins propose periods, and a proposal is accepted only where the autocorrelation
/// has a hill (a local maximum inside the bin's period range) high enough and a trough at half the period;
/// the accepted period is then sharpened to the integer whose harmonics hold the most power.
/// The periodogram alone cannot tell a period from its neighbours at long periods (bins are n/k apart) and
/// the autocorrelation alone also peaks at every multiple of the period and at noise.
/// </summary>
/// <remarks>
/// The series is detrended with a least-squares line first (a trend leaks into the low bins and lifts every
/// lag's autocorrelation). Both the periodogram and the autocorrelation come from one forward FFT of the
/// zero-padded series (Wiener–Khinchin: the inverse transform of the power is the autocovariance), using
/// the vectorized <see cref="RealFft"/> of the spectral features. Allocation-free after construction.
/// </remarks>
public sealed class SeasonalityDetector
{
    private const int Proposals = 6;
    private const int Harmonics = 3;

    // A multiple of the period correlates almost as well as the period: the longer one must beat the
    // shorter by this much to be preferred.
    private const double MultipleMargin = 0.05;

    private readonly int _window;
    private readonly RealFft _fft;
    private readonly double[] _padded;
    private readonly double[] _detrended;
    private readonly double[] _re;
    private readonly double[] _im;
    private readonly double[] _power;
    private readonly double[] _acf;

    /// <param name="window">Most recent values analysed (a power of two, at least 16).</param>
    public SeasonalityDetector(int window = 4096)
    {
        if (window < 16 || !int.IsPow2(window))
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be a power of two, at least 16.");
        }

        _window = window;
        _fft = new RealFft(2 * window);
        _padded = new double[2 * window];
        _detrended = new double[window];
        _re = new double[_fft.BinCount];
        _im = new double[_fft.BinCount];
        _power = new double[_fft.BinCount];
        _acf = new double[window];
    }

    /// <summary>Most recent values analysed.</summary>
    public int Window => _window;

    /// <summary>
    /// The season of <paramref name="series"/> (oldest first; only the last <see cref="Window"/> values are
    /// used), between <paramref name="minPeriod"/> and the smaller of <paramref name="maxPeriod"/> and a third
    /// of the values (three cycles at least), or <see cref="Season.None"/>.
    /// </summary>
    /// <param name="minAutocorrelation">Autocorrelation the period needs, in (0, 1).</param>
    public Season Detect(ReadOnlySpan<double> series, int minPeriod, int maxPeriod, double minAutocorrelation)
    {
        var n = Math.Min(series.Length, _window);
        series = series[^n..];
        maxPeriod = Math.Min(maxPeriod, n / 3);
        minPeriod = Math.Max(minPeriod, 2);
        if (maxPeriod <= minPeriod || !Autocorrelation(series))
        {
            return Season.None;
        }

        var size = _padded.Length;
        var best = Season.None;
        Span<int> proposed = stackalloc int[Proposals];
        for (var c = 0; c < Proposals; c++)
        {
            var bin = StrongestBin(size, minPeriod, maxPeriod, proposed[..c]);
            if (bin < 0)
            {
                break;
            }

            proposed[c] = bin;
            var lag = HillTop(size, bin, minPeriod, maxPeriod);
            if (lag == 0 || _acf[lag] < minAutocorrelation || _acf[lag] - _acf[lag / 2] < minAutocorrelation)
            {
                // No hill, too low, or no trough at half the period: a slowly decaying autocorrelation
                // (persistence, not a season) is high at every lag but never dips in between.
                continue;
            }

            lag = Sharpest(lag, minPeriod, maxPeriod, n);

            var better = !best.HasPeriod
                || (lag < best.Period ? _acf[lag] > best.Autocorrelation - MultipleMargin : _acf[lag] > best.Autocorrelation + MultipleMargin);
            if (better)
            {
                best = new Season(lag, _acf[lag]);
            }
        }

        return best;
    }

    /// <summary>Periodogram into <see cref="_power"/> and autocorrelation into <see cref="_acf"/>; false for a constant series.</summary>
    private bool Autocorrelation(ReadOnlySpan<double> series)
    {
        var n = series.Length;

        // Least-squares line over t = 0..n-1, removed.
        double meanT = (n - 1) / 2.0, meanY = 0;
        foreach (var v in series)
        {
            meanY += v;
        }

        meanY /= n;
        double sty = 0, stt = 0;
        for (var t = 0; t < n; t++)
        {
            var dt = t - meanT;
            sty += dt * (series[t] - meanY);
            stt += dt * dt;
        }

        var slope = stt > 0 ? sty / stt : 0;
        Array.Clear(_padded);
        for (var t = 0; t < n; t++)
        {
            _padded[t] = series[t] - meanY - (slope * (t - meanT));
            _detrended[t] = _padded[t];
        }

        _fft.Forward(_padded, _re, _im);
        for (var k = 0; k < _re.Length; k++)
        {
            _power[k] = (_re[k] * _re[k]) + (_im[k] * _im[k]);
            _re[k] = _power[k];
            _im[k] = 0;
        }

        _fft.Inverse(_re, _im, _padded);
        var zero = _padded[0];
        if (!(zero > 1e-300))
        {
            return false;
        }

        var maxLag = Math.Min(n - 1, _acf.Length - 1);
        for (var lag = 0; lag <= maxLag; lag++)
        {
            // Each lag sums n - lag products: rescale so lags are comparable (the unbiased estimate).
            _acf[lag] = _padded[lag] / zero * n / (n - lag);
        }

        return true;
    }

    /// <summary>The strongest periodogram bin whose period size/k is in range and not proposed yet, or −1.</summary>
    private int StrongestBin(int size, int minPeriod, int maxPeriod, ReadOnlySpan<int> proposed)
    {
        var first = Math.Max(1, (int)Math.Ceiling((double)size / maxPeriod));
        var last = Math.Min(_power.Length - 1, size / minPeriod);
        var top = -1;
        for (var k = first; k <= last; k++)
        {
            if (!proposed.Contains(k) && (top < 0 || _power[k] > _power[top]))
            {
                top = k;
            }
        }

        return top;
    }

    /// <summary>
    /// The lag of the autocorrelation's maximum between the periods of the bins next to <paramref name="bin"/>,
    /// or 0 when that maximum is on the range's edge (a slope, not a hill).
    /// </summary>
    private int HillTop(int size, int bin, int minPeriod, int maxPeriod)
    {
        var lo = Math.Max(minPeriod - 1, (int)Math.Floor((double)size / (bin + 1)));
        var hi = Math.Min(maxPeriod + 1, (int)Math.Ceiling((double)size / Math.Max(bin - 1, 1)));
        var top = lo;
        for (var lag = lo + 1; lag <= hi; lag++)
        {
            if (_acf[lag] > _acf[top])
            {
                top = lag;
            }
        }

        return top > lo && top < hi && top >= minPeriod && top <= maxPeriod ? top : 0;
    }

    /// <summary>
    /// The period within ±10% of <paramref name="lag"/> whose first harmonics carry the most power, from the
    /// DFT of the detrended series evaluated at exactly k/P (k = 1..3), not at the FFT's bins. At long periods
    /// the autocorrelation's hill is broad and flat (a daily cycle of 5-minute values changes its
    /// autocorrelation by 0.01 over ±12 lags), so its highest lag is mostly noise, and the FFT's bins are
    /// 2n/k apart; a frequency fitted to the whole series is precise to a fraction of a lag.
    /// </summary>
    private int Sharpest(int lag, int minPeriod, int maxPeriod, int n)
    {
        var half = Math.Max(1, lag / 10);
        var x = _detrended.AsSpan(0, n);
        var best = lag;
        var bestPower = double.NegativeInfinity;
        for (var period = Math.Max(minPeriod, lag - half); period <= Math.Min(maxPeriod, lag + half); period++)
        {
            var power = 0.0;
            for (var k = 1; k <= Harmonics && 2 * k < period; k++)
            {
                // Σ x_t·e^(−2πi·kt/P) with the phasor turned by multiplication rather than a sine per value.
                var (sin, cos) = double.SinCosPi(2.0 * k / period);
                double re = 0, im = 0, pr = 1, pi = 0;
                foreach (var v in x)
                {
                    re += v * pr;
                    im -= v * pi;
                    (pr, pi) = ((pr * cos) - (pi * sin), (pi * cos) + (pr * sin));
                }

                power += (re * re) + (im * im);
            }

            if (power > bestPower)
            {
                bestPower = power;
                best = period;
            }
        }

        return best;
    }
}
