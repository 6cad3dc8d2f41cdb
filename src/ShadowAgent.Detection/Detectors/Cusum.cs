namespace ShadowAgent.Detection.Detectors;

/// <summary>
/// Two-sided CUSUM (Page 1954, "Continuous inspection schemes", Biometrika 41) over values standardized by a
/// slow EWMA mean and deviation of the past: S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k). The statistic is
/// max(S⁺, S⁻): it grows while the series stays on one side of its baseline, so it sees a level shift that
/// is too small for a point-wise z-score. Each step's z is clipped so one spike cannot fill the sum alone;
/// after the sum passes the decision interval h it restarts from zero. O(1) per value.
/// </summary>
public sealed class Cusum : IStreamDetector
{
    private const double Clip = 4;

    private readonly double _alpha;
    private readonly double _drift;
    private readonly double _threshold;
    private readonly int _warmup;
    private double _mean;
    private double _variance;
    private double _high;
    private double _low;
    private long _count;

    /// <param name="alpha">EWMA weight of the baseline mean and variance.</param>
    /// <param name="drift">Allowance k in standard deviations (half the shift to detect).</param>
    /// <param name="threshold">Decision interval h: the sums restart after passing it.</param>
    /// <param name="warmup">Values needed before the first score.</param>
    public Cusum(double alpha, double drift, double threshold, int warmup)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        ArgumentOutOfRangeException.ThrowIfNegative(drift);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        _alpha = alpha;
        _drift = drift;
        _threshold = threshold;
        _warmup = Math.Max(warmup, 2);
    }

    public string Name => "cusum";

    public void Restart()
    {
        _count = 0;
        _high = 0;
        _low = 0;
    }

    public double Observe(double value)
    {
        var statistic = double.NaN;
        if (_count == 0)
        {
            _mean = value;
        }
        else
        {
            var deviation = value - _mean;
            if (_count >= _warmup)
            {
                var sigma = Math.Max(Math.Sqrt(_variance), 1e-6 * Math.Max(Math.Abs(_mean), 1e-9));
                var z = Math.Clamp(deviation / sigma, -Clip, Clip);
                _high = Math.Max(0, _high + z - _drift);
                _low = Math.Max(0, _low - z - _drift);
                statistic = Math.Max(_high, _low);
                if (statistic > _threshold)
                {
                    _high = 0;
                    _low = 0;
                }
            }

            var a = Math.Max(_alpha, 1.0 / (_count + 1));
            var increment = a * deviation;
            _mean += increment;
            _variance = (1 - a) * (_variance + (deviation * increment));
        }

        _count++;
        return statistic;
    }
}
