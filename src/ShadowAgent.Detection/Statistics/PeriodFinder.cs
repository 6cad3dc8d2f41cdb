namespace ShadowAgent.Detection.Statistics;

/// <summary>
/// Finds the dominant period of a series in the AUTOPERIOD way (Vlachos, Yu &amp; Castelli 2005, "On
/// periodicity detection and structural periodic similarity", SDM): the periodogram proposes candidate
/// periods and the autocorrelation validates them — a candidate is kept only if the autocorrelation has a
/// hill there, and it is refined to the top of that hill. The periodogram alone is coarse at long periods
/// (bins n/k) and the autocorrelation alone picks multiples and noise. Both come from one FFT of the
/// zero-padded series. Allocation-free after construction.
/// </summary>
internal sealed class PeriodFinder
{
    private const int Candidates = 5;
    private const double Margin = 0.05;

    private readonly ComplexFft _fft;
    private readonly double[] _re;
    private readonly double[] _im;
    private readonly double[] _power;
    private readonly double[] _acf;
    private readonly int _capacity;

    /// <param name="capacity">Longest series analysed (a power of two); the FFT is twice as long.</param>
    public PeriodFinder(int capacity)
    {
        if (capacity < 8 || !int.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be a power of two, at least 8.");
        }

        _capacity = capacity;
        _fft = new ComplexFft(2 * capacity);
        _re = new double[2 * capacity];
        _im = new double[2 * capacity];
        _power = new double[capacity + 1];
        _acf = new double[capacity];
    }

    /// <summary>The autocorrelation at the found period (0 when none was found).</summary>
    public double Strength { get; private set; }

    /// <summary>
    /// The dominant period in samples of <paramref name="series"/> (oldest first), between
    /// <paramref name="minPeriod"/> and a third of the series, or 0 when no candidate's autocorrelation
    /// reaches <paramref name="minAutocorrelation"/>.
    /// </summary>
    public int Find(ReadOnlySpan<double> series, int minPeriod, double minAutocorrelation)
    {
        Strength = 0;
        var n = Math.Min(series.Length, _capacity);
        series = series[^n..];
        var maxPeriod = n / 3;
        if (maxPeriod < minPeriod)
        {
            return 0;
        }

        var mean = 0.0;
        foreach (var v in series)
        {
            mean += v;
        }

        mean /= n;
        var size = _re.Length;
        for (var i = 0; i < size; i++)
        {
            _re[i] = i < n ? series[i] - mean : 0;
            _im[i] = 0;
        }

        _fft.Transform(_re, _im);
        for (var k = 0; k < size; k++)
        {
            var p = (_re[k] * _re[k]) + (_im[k] * _im[k]);
            _re[k] = p;
            _im[k] = 0;
        }

        // The padded spectrum's bin k is frequency k/size; keep the power for the candidate search.
        for (var k = 0; k <= _capacity; k++)
        {
            _power[k] = _re[k];
        }

        _fft.Transform(_re, _im, inverse: true);
        var zero = _re[0];
        if (!(zero > 0))
        {
            return 0;
        }

        for (var lag = 0; lag <= maxPeriod + 1 && lag < _acf.Length; lag++)
        {
            // Unbiased: each lag's sum has n - lag products.
            _acf[lag] = _re[lag] / zero * n / (n - lag);
        }

        var best = 0;
        var bestAcf = minAutocorrelation;
        Span<int> taken = stackalloc int[Candidates];
        for (var c = 0; c < Candidates; c++)
        {
            // Strongest periodogram bin not yet taken whose period is in range.
            var kMin = Math.Max(1, (int)Math.Ceiling((double)size / maxPeriod));
            var kMax = Math.Min(_capacity, size / minPeriod);
            var top = -1;
            for (var k = kMin; k <= kMax; k++)
            {
                if (taken[..c].Contains(k))
                {
                    continue;
                }

                if (top < 0 || _power[k] > _power[top])
                {
                    top = k;
                }
            }

            if (top < 0)
            {
                break;
            }

            taken[c] = top;

            // Validate on the autocorrelation: climb to the hill top between the neighbouring bins' periods.
            var lo = Math.Max(minPeriod, (int)Math.Floor((double)size / (top + 1)));
            var hi = Math.Min(maxPeriod, (int)Math.Ceiling((double)size / Math.Max(top - 1, 1)));
            var lag = -1;
            for (var l = lo; l <= hi; l++)
            {
                if (lag < 0 || _acf[l] > _acf[lag])
                {
                    lag = l;
                }
            }

            if (lag <= lo || lag >= hi)
            {
                // The maximum sits on the range's edge: a slope, not a hill.
                continue;
            }

            // A multiple of a period correlates about as well as the period itself: prefer the shorter one
            // unless the longer is clearly stronger.
            var better = best == 0
                ? _acf[lag] > bestAcf
                : lag < best ? _acf[lag] > bestAcf - Margin : _acf[lag] > bestAcf + Margin;
            if (better)
            {
                bestAcf = _acf[lag];
                best = lag;
            }
        }

        Strength = best > 0 ? bestAcf : 0;
        return best;
    }
}
