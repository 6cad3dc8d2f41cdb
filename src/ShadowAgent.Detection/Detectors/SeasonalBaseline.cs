using ShadowAgent.Detection.Statistics;

namespace ShadowAgent.Detection.Detectors;

/// <summary>
/// Seasonality-aware baseline: once enough history exists, the dominant period is found (periodogram
/// candidates validated on the autocorrelation, see <see cref="PeriodFinder"/>) and each value is compared
/// with the median of the values at the same phase of the previous <c>cycles</c> periods. The statistic is
/// the distance in units of the EWMA mean absolute residual (×1.2533 ≈ σ for Gaussian residuals). Without a
/// period the detector abstains (NaN). The period is searched again every <c>redetectEvery</c> values, so
/// a pattern that appears or changes is picked up.
/// </summary>
/// <remarks>Per value: one ring write, a median of <c>cycles</c> values and an EWMA — O(cycles); the period
/// search (an FFT of twice the history) is amortized over <c>redetectEvery</c> values.</remarks>
public sealed class SeasonalBaseline : IStreamDetector
{
    private const double AbsToSigma = 1.2533;

    private readonly double[] _history;
    private readonly double[] _scratch;
    private readonly double[] _same;
    private readonly PeriodFinder _finder;
    private readonly int _cycles;
    private readonly int _minHistory;
    private readonly int _redetectEvery;
    private readonly int _minPeriod;
    private readonly double _minAutocorrelation;
    private readonly double _alpha;
    private long _count;
    private long _nextSearch;
    private int _period;
    private long _periodSince;
    private double _meanAbsResidual;
    private long _residuals;

    /// <param name="history">Values kept for the period search and the look-back (a power of two).</param>
    /// <param name="cycles">Previous periods whose same-phase values form the baseline.</param>
    /// <param name="minHistory">Values needed before the first period search.</param>
    /// <param name="redetectEvery">Values between period searches.</param>
    /// <param name="minPeriod">Shortest period considered, in values.</param>
    /// <param name="minAutocorrelation">Autocorrelation a period needs to be accepted.</param>
    /// <param name="alpha">EWMA weight of the residual scale.</param>
    public SeasonalBaseline(int history, int cycles, int minHistory, int redetectEvery, int minPeriod, double minAutocorrelation, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cycles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPeriod, 2);
        _finder = new PeriodFinder(history);
        _history = new double[history];
        _scratch = new double[history];
        _same = new double[cycles];
        _cycles = cycles;
        _minHistory = Math.Max(minHistory, 3 * minPeriod);
        _redetectEvery = Math.Max(redetectEvery, 1);
        _minPeriod = minPeriod;
        _minAutocorrelation = minAutocorrelation;
        _alpha = alpha;
        _nextSearch = _minHistory;
    }

    public string Name => "seasonal";

    /// <summary>The period in use, in values (0 while none is known).</summary>
    public int Period => _period;

    /// <summary>The autocorrelation at <see cref="Period"/> when it was found.</summary>
    public double Strength { get; private set; }

    /// <summary>The same-phase baseline is the pattern itself, which a level shift does not invalidate: kept.</summary>
    public void Restart()
    {
    }

    public double Observe(double value)
    {
        if (_count >= _nextSearch)
        {
            Search();
            _nextSearch = _count + _redetectEvery;
        }

        var statistic = double.NaN;
        if (_period > 0 && _count - _periodSince >= 0)
        {
            var available = (int)Math.Min(_cycles, Math.Min(_count, _history.Length) / _period);
            if (available > 0)
            {
                for (var k = 1; k <= available; k++)
                {
                    _same[k - 1] = _history[(int)((_count - (k * _period)) % _history.Length)];
                }

                var baseline = Median(_same.AsSpan(0, available));
                var residual = Math.Abs(value - baseline);
                if (_residuals >= _period)
                {
                    var scale = Math.Max(AbsToSigma * _meanAbsResidual, 1e-6 * Math.Max(Math.Abs(baseline), 1e-9));
                    statistic = residual / scale;
                }

                var a = Math.Max(_alpha, 1.0 / (_residuals + 1));
                _meanAbsResidual += a * (residual - _meanAbsResidual);
                _residuals++;
            }
        }

        _history[(int)(_count % _history.Length)] = value;
        _count++;
        return statistic;
    }

    private void Search()
    {
        var n = (int)Math.Min(_count, _history.Length);
        var start = _count - n;
        for (var i = 0; i < n; i++)
        {
            _scratch[i] = _history[(int)((start + i) % _history.Length)];
        }

        var found = _finder.Find(_scratch.AsSpan(0, n), _minPeriod, _minAutocorrelation);

        // A re-search that lands within 2% of the period in use keeps it (and its residual scale).
        if (found != _period && !(found > 0 && _period > 0 && Math.Abs(found - _period) * 50 <= _period))
        {
            _period = found;
            Strength = _finder.Strength;
            _residuals = 0;
            _meanAbsResidual = 0;
            _periodSince = _count;
        }
    }

    private static double Median(Span<double> values)
    {
        // At most a handful of values: insertion sort.
        for (var i = 1; i < values.Length; i++)
        {
            var v = values[i];
            var j = i - 1;
            while (j >= 0 && values[j] > v)
            {
                values[j + 1] = values[j];
                j--;
            }

            values[j + 1] = v;
        }

        var mid = values.Length >> 1;
        return (values.Length & 1) == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
    }
}
