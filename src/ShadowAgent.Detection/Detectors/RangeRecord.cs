namespace ShadowAgent.Detection.Detectors;

/// <summary>
/// Range records: how far a value lands beyond the largest (or below the smallest) value seen so far, as a share
/// of that range. Zero inside the range, so it only speaks when the series goes somewhere it has never been —
/// the kind of novelty a z-score misses when earlier bursts have already widened the deviation. O(1) per value.
/// </summary>
public sealed class RangeRecord : IStreamDetector
{
    private readonly int _warmup;
    private double _min;
    private double _max;
    private long _count;

    /// <param name="warmup">Values needed before the first score.</param>
    public RangeRecord(int warmup, double horizon = 0)
    {
        _warmup = Math.Max(warmup, 2);
        _decay = horizon > 0 ? 1 / horizon : 0;
    }

    private readonly double _decay;
    private double _mean;

    public string Name => "record";

    public void Restart() => _count = 0;

    public double Observe(double value)
    {
        var statistic = double.NaN;
        if (_count == 0)
        {
            _min = _max = _mean = value;
        }
        else
        {
            var range = Math.Max(_max - _min, 1e-9 * Math.Max(Math.Abs(_max), 1));
            if (_count >= _warmup)
            {
                statistic = Math.Max(0, Math.Max(value - _max, _min - value)) / range;
            }

            _mean += Math.Max(_decay, 1.0 / (_count + 1)) * (value - _mean);
            _min = Math.Min(_min + (_decay * Math.Max(0, _mean - _min)), value);
            _max = Math.Max(_max - (_decay * Math.Max(0, _max - _mean)), value);
        }

        _count++;
        return statistic;
    }
}
