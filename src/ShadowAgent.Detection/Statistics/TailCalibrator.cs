namespace ShadowAgent.Detection.Statistics;

/// <summary>
/// Turns a detector's raw statistic into a tail probability — the share of its own recent statistics that
/// were at least as large — so statistics on different scales (a z-score, a CUSUM sum, a log predictive
/// loss) can be compared and combined. Allocation-free after construction; O(log bins) per point.
/// </summary>
/// <remarks>
/// The history is an exponentially decayed histogram over log2 of the statistic (eight bins per octave from
/// 2^-16 to 2^16), held in a Fenwick tree so the mass above any bin is a prefix-sum query. Decay is applied
/// by growing the weight of each new point instead of shrinking every bin, and everything is rescaled when
/// the weight gets large. The probability is the conformal one, (mass ≥ s + w) / (total + w), with the point's
/// own bin split linearly in log space, so it is never below about 1/(effective history + 1).
/// </remarks>
internal sealed class TailCalibrator
{
    private const int BinsPerOctave = 8;
    private const int MinOctave = -16;
    private const int Bins = 32 * BinsPerOctave;
    private const double Rescale = 1e150;

    private readonly double[] _tree = new double[Bins + 1];
    private readonly double[] _bins = new double[Bins];
    private readonly double _growth;
    private readonly double _alpha;
    private readonly double _maxDecay;
    private double _weight = 1;
    private double _total;
    private long _seen;

    // Log-normal fit of the statistic (EWMA mean and variance of log2 s) and a slowly decaying maximum of log2 s,
    // for the tail beyond everything in the history.
    private double _logMean;
    private double _logVariance;
    private double _logMax = double.NegativeInfinity;

    /// <param name="horizon">Points after which an observation's weight has fallen to 1/e.</param>
    public TailCalibrator(double horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        _growth = 1 / (1 - (1 / horizon));
        _alpha = 1 / horizon;
        _maxDecay = 4 / horizon;
    }

    /// <summary>Statistics seen so far.</summary>
    public long Seen => _seen;

    /// <summary>Effective number of points in the history (the decayed count).</summary>
    public double EffectiveCount => _total / _weight;

    /// <summary>The tail probability of <paramref name="statistic"/> against the history, without learning it.</summary>
    public double TailProbability(double statistic)
    {
        var position = Position(statistic);
        var bin = (int)position;
        var above = _total - Prefix(bin + 1) + ((1 - (position - bin)) * _bins[bin]);
        var p = Math.Min(1, (above + _weight) / (_total + _weight));
        var log = statistic > 0 ? Math.Log2(statistic) : double.NegativeInfinity;
        if (log > _logMax && _seen > 1)
        {
            // Beyond the largest recent statistic the histogram has nothing left to rank against: continue the
            // tail with the log-normal fit, p × Q(z(s)) / Q(z(max)), so larger excesses keep ranking higher.
            var sigma = Math.Sqrt(Math.Max(_logVariance, 1e-6));
            p *= Math.Exp(NormalTail.LogUpper((log - _logMean) / sigma) - NormalTail.LogUpper((_logMax - _logMean) / sigma));
        }

        return p;
    }

    /// <summary>Adds <paramref name="statistic"/> to the history.</summary>
    public void Learn(double statistic)
    {
        _seen++;
        _weight *= _growth;
        if (_weight > Rescale)
        {
            RescaleAll();
        }

        var log = Math.Log2(Math.Max(statistic, 1e-12));
        if (_seen == 1)
        {
            _logMean = log;
        }
        else
        {
            var a = Math.Max(_alpha, 1.0 / _seen);
            var deviation = log - _logMean;
            _logMean += a * deviation;
            _logVariance = (1 - a) * (_logVariance + (a * deviation * deviation));
        }

        _logMax = Math.Max(log, _logMax - _maxDecay);

        var bin = (int)Position(statistic);
        _bins[bin] += _weight;
        _total += _weight;
        for (var i = bin + 1; i <= Bins; i += i & -i)
        {
            _tree[i] += _weight;
        }
    }

    /// <summary>Tail probability, then learn: the usual streaming step.</summary>
    public double Observe(double statistic)
    {
        var p = TailProbability(statistic);
        Learn(statistic);
        return p;
    }

    private static double Position(double statistic)
    {
        if (!(statistic > 0))
        {
            return 0;
        }

        var position = (Math.Log2(statistic) - MinOctave) * BinsPerOctave;
        return Math.Clamp(position, 0, Bins - 1e-9);
    }

    /// <summary>Mass in bins [0, count).</summary>
    private double Prefix(int count)
    {
        var sum = 0.0;
        for (var i = count; i > 0; i -= i & -i)
        {
            sum += _tree[i];
        }

        return sum;
    }

    private void RescaleAll()
    {
        var factor = 1 / _weight;
        _weight = 1;
        _total *= factor;
        for (var i = 0; i < _bins.Length; i++)
        {
            _bins[i] *= factor;
        }

        for (var i = 0; i < _tree.Length; i++)
        {
            _tree[i] *= factor;
        }
    }
}
