namespace ShadowAgent.Detection.Detectors;

/// <summary>
/// EWMA control bands: exponentially weighted mean and variance of the past; the statistic is the distance
/// of the new value from the mean in weighted standard deviations (how far outside a ±kσ band it falls).
/// O(1) per value.
/// </summary>
/// <remarks>The variance uses the incremental EWMA form (West 1979; Finch 2009, "Incremental calculation of
/// weighted mean and variance").</remarks>
public sealed class EwmaBands : IStreamDetector
{
    private readonly double _alpha;
    private readonly int _warmup;
    private double _mean;
    private double _variance;
    private long _count;

    /// <param name="alpha">Weight of the newest value (1/alpha ≈ the memory in values).</param>
    /// <param name="warmup">Values needed before the first score.</param>
    public EwmaBands(double alpha, int warmup)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(alpha, 1);
        _alpha = alpha;
        _warmup = Math.Max(warmup, 2);
    }

    public string Name => "ewma";

    public double Mean => _mean;

    public double StandardDeviation => Math.Sqrt(_variance);

    public void Restart() => _count = 0;

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
                var sigma = Math.Sqrt(_variance);
                var floor = 1e-6 * Math.Max(Math.Abs(_mean), 1e-9);
                statistic = Math.Abs(deviation) / Math.Max(sigma, floor);
            }

            // Early on, weight like a plain average so the first value does not dominate for 1/alpha steps.
            var a = Math.Max(_alpha, 1.0 / (_count + 1));
            var increment = a * deviation;
            _mean += increment;
            _variance = (1 - a) * (_variance + (deviation * increment));
        }

        _count++;
        return statistic;
    }
}
