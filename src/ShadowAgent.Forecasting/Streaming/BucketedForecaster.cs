namespace ShadowAgent.Forecasting.Streaming;

/// <summary>
/// A <see cref="StreamingForecaster"/> over a coarser step than the series it is fed. Values of a fine series (one per
/// window of a stream) are summed, or averaged, into buckets aligned to the Unix epoch, and each closed bucket is one value
/// of the forecaster. A daily season of 10-second windows is 8,640 values, past the forecaster's history and period
/// search; in 5-minute buckets it is 288, the shape the forecaster's defaults were set on.
/// <para>
/// A bucket that saw at least half of its values counts, a sum scaled up to the whole bucket (the agent started, or a
/// window was partial); one that saw fewer is missing. Missing buckets between two that count are filled with the
/// forecaster's own point forecast up to <c>maxGapBuckets</c>, so the season keeps its phase; a longer gap starts the
/// history anew, because a season shifted by an unknown number of buckets is worse than none.
/// </para>
/// </summary>
public sealed class BucketedForecaster
{
    private readonly ForecastOptions? _options;
    private readonly long _stepMs;
    private readonly double _valuesPerBucket;
    private readonly bool _sum;
    private readonly int _maxGapBuckets;
    private StreamingForecaster _forecaster;
    private long _bucket = long.MinValue;
    private long _lastCounted = long.MinValue;
    private double _total;
    private int _count;
    private bool _closed;

    /// <param name="step">The bucket length; buckets start at multiples of it since the epoch.</param>
    /// <param name="inputStep">Time between two values fed (the stream's hop).</param>
    /// <param name="sum">Sum the values of a bucket (counts); false averages them (levels such as cores used).</param>
    /// <param name="options">The forecaster's settings; null for its defaults.</param>
    /// <param name="maxGapBuckets">The longest run of missing buckets filled in rather than starting anew.</param>
    public BucketedForecaster(TimeSpan step, TimeSpan inputStep, bool sum, ForecastOptions? options = null, int maxGapBuckets = 36)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputStep, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, inputStep);
        ArgumentOutOfRangeException.ThrowIfNegative(maxGapBuckets);
        _options = options;
        _stepMs = (long)step.TotalMilliseconds;
        _valuesPerBucket = step / inputStep;
        _sum = sum;
        _maxGapBuckets = maxGapBuckets;
        _forecaster = new StreamingForecaster(options);
        Step = step;
    }

    /// <summary>The bucket length: the step of the forecast's points.</summary>
    public TimeSpan Step { get; }

    /// <summary>The forecaster of the bucket series (model, period in buckets, values observed).</summary>
    public StreamingForecaster Forecaster => _forecaster;

    /// <summary>Buckets filled in with the forecast over gaps, since start.</summary>
    public long Imputed { get; private set; }

    /// <summary>Times the history started anew after a gap longer than the limit.</summary>
    public long Restarts { get; private set; }

    /// <summary>Start of the newest bucket that was closed and counted (the forecast's first point is the one after it).</summary>
    public DateTimeOffset? LastBucketStart => _lastCounted == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(_lastCounted * _stepMs);

    /// <summary>
    /// Feeds the value of the fine step that ended at <paramref name="endUnixMs"/> (a window's end belongs to the bucket
    /// it closes). A bucket closes with its last value, or with the first value of a later bucket when some of its own
    /// never came. True when a bucket that counted closed, so the forecast has moved on; a value of a bucket already
    /// closed is ignored (false).
    /// </summary>
    public bool Observe(long endUnixMs, double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        var bucket = FloorDiv(endUnixMs - 1, _stepMs);
        var counted = false;
        if (_bucket == long.MinValue)
        {
            _bucket = bucket;
        }
        else if (bucket < _bucket || (bucket == _bucket && _closed))
        {
            return false;
        }
        else if (bucket > _bucket)
        {
            counted = !_closed && CloseBucket();
            _bucket = bucket;
            _closed = false;
        }

        _total += value;
        _count++;
        if (_count >= _valuesPerBucket)
        {
            // Complete: close it now, so the value that completes a bucket brings its forecast (not the next one).
            counted |= CloseBucket();
            _closed = true;
        }

        return counted;
    }

    /// <summary>The forecast of the buckets after <see cref="LastBucketStart"/>, one point per bucket.</summary>
    public ForecastPoint[] Forecast(int horizon, double level) => _forecaster.Forecast(horizon, level);

    private bool CloseBucket()
    {
        var seen = _count;
        var total = _total;
        _total = 0;
        _count = 0;
        if (seen < _valuesPerBucket / 2)
        {
            return false;
        }

        if (_lastCounted != long.MinValue)
        {
            var missing = _bucket - _lastCounted - 1;
            if (missing > _maxGapBuckets)
            {
                _forecaster = new StreamingForecaster(_options);
                Restarts++;
            }
            else if (missing > 0)
            {
                var filled = _forecaster.Forecast((int)missing, 0.5);
                foreach (var point in filled)
                {
                    _forecaster.Observe(point.Value);
                }

                Imputed += missing;
            }
        }

        _forecaster.Observe(_sum ? total / seen * _valuesPerBucket : total / seen);
        _lastCounted = _bucket;
        return true;
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}
