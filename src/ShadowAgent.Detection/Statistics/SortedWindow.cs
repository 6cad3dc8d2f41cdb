namespace ShadowAgent.Detection.Statistics;

/// <summary>
/// The last <c>capacity</c> values of a series kept both in arrival order (a ring) and sorted, so the median,
/// any quantile and the median absolute deviation are read without sorting. Allocation-free after construction.
/// </summary>
/// <remarks>
/// A sorted ring rather than two heaps: a heap pair gives the median in O(log n) but not other quantiles or
/// the MAD, and removing the oldest value from a heap needs an index map. Here an update is one binary search
/// and one <c>memmove</c> of the values between the leaving and the arriving value's places — at the window
/// sizes detectors use (a few hundred) that is tens of nanoseconds.
/// </remarks>
internal sealed class SortedWindow
{
    private readonly double[] _ring;
    private readonly double[] _sorted;
    private int _head;
    private int _count;

    public SortedWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new double[capacity];
        _sorted = new double[capacity];
    }

    public int Count => _count;

    public int Capacity => _ring.Length;

    /// <summary>The values in ascending order.</summary>
    public ReadOnlySpan<double> Sorted => _sorted.AsSpan(0, _count);

    /// <summary>Adds <paramref name="value"/>, evicting the oldest value when the window is full.</summary>
    public void Add(double value)
    {
        if (_count < _ring.Length)
        {
            _ring[(_head + _count) % _ring.Length] = value;
            Insert(value, _count);
            _count++;
            return;
        }

        var leaving = _ring[_head];
        _ring[_head] = value;
        _head = (_head + 1) % _ring.Length;
        Replace(leaving, value);
    }

    public void Clear()
    {
        _head = 0;
        _count = 0;
    }

    /// <summary>The median (mean of the two middle values for an even count); NaN when empty.</summary>
    public double Median()
    {
        if (_count == 0)
        {
            return double.NaN;
        }

        var mid = _count >> 1;
        return (_count & 1) == 1 ? _sorted[mid] : 0.5 * (_sorted[mid - 1] + _sorted[mid]);
    }

    /// <summary>The <paramref name="q"/> quantile with linear interpolation between order statistics.</summary>
    public double Quantile(double q)
    {
        if (_count == 0)
        {
            return double.NaN;
        }

        var position = Math.Clamp(q, 0, 1) * (_count - 1);
        var lower = (int)position;
        var upper = Math.Min(lower + 1, _count - 1);
        return _sorted[lower] + ((position - lower) * (_sorted[upper] - _sorted[lower]));
    }

    /// <summary>
    /// The median absolute deviation from <paramref name="center"/>: the distances grow outwards from the
    /// center's place in the sorted values, so merging the two sides finds the middle distance in count/2 steps.
    /// </summary>
    public double MedianAbsoluteDeviation(double center)
    {
        if (_count == 0)
        {
            return double.NaN;
        }

        var sorted = _sorted.AsSpan(0, _count);
        var right = LowerBound(sorted, center);
        var left = right - 1;
        var target = _count >> 1;
        var distance = 0.0;
        for (var taken = 0; taken <= target; taken++)
        {
            var dl = left >= 0 ? center - sorted[left] : double.PositiveInfinity;
            var dr = right < sorted.Length ? sorted[right] - center : double.PositiveInfinity;
            if (dl <= dr)
            {
                distance = dl;
                left--;
            }
            else
            {
                distance = dr;
                right++;
            }
        }

        return distance;
    }

    private void Insert(double value, int count)
    {
        var at = LowerBound(_sorted.AsSpan(0, count), value);
        _sorted.AsSpan(at, count - at).CopyTo(_sorted.AsSpan(at + 1));
        _sorted[at] = value;
    }

    private void Replace(double leaving, double arriving)
    {
        var sorted = _sorted.AsSpan();
        var from = LowerBound(sorted, leaving);
        if (arriving >= leaving)
        {
            // Slide the values in (leaving, arriving) one place left; arriving goes just before the first larger.
            var to = LowerBound(sorted, arriving) - 1;
            if (to > from)
            {
                sorted.Slice(from + 1, to - from).CopyTo(sorted[from..]);
            }

            sorted[Math.Max(to, from)] = arriving;
        }
        else
        {
            var to = LowerBound(sorted, arriving);
            sorted.Slice(to, from - to).CopyTo(sorted[(to + 1)..]);
            sorted[to] = arriving;
        }
    }

    /// <summary>The first index whose value is not less than <paramref name="value"/>.</summary>
    private static int LowerBound(ReadOnlySpan<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
