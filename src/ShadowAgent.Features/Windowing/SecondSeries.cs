namespace ShadowAgent.Features.Windowing;

/// <summary>
/// The recent per-second series of a stream, by arrival second: records received, and the sum and count of
/// chosen numeric fields. A ring of the last <see cref="Capacity"/> seconds; connections add their counts in
/// pieces (once per second they are active and at every window close), so a slot accumulates. Thread-safe.
/// </summary>
internal sealed class SecondSeries
{
    private readonly Lock _lock = new();
    private readonly long[] _second;
    private readonly double[] _records;
    private readonly double[][] _sums;
    private readonly long[][] _counts;

    public SecondSeries(int capacity, int fields)
    {
        Capacity = capacity;
        _second = new long[capacity];
        Array.Fill(_second, long.MinValue);
        _records = new double[capacity];
        _sums = new double[fields][];
        _counts = new long[fields][];
        for (var f = 0; f < fields; f++)
        {
            _sums[f] = new double[capacity];
            _counts[f] = new long[capacity];
        }
    }

    public int Capacity { get; }

    public int Fields => _sums.Length;

    /// <summary>Adds a connection's counts for one second; seconds older than the ring are ignored.</summary>
    public void Add(long second, long records, ReadOnlySpan<double> sums, ReadOnlySpan<long> counts)
    {
        lock (_lock)
        {
            var slot = (int)(((second % Capacity) + Capacity) % Capacity);
            if (_second[slot] != second)
            {
                if (_second[slot] > second)
                {
                    return;
                }

                _second[slot] = second;
                _records[slot] = 0;
                for (var f = 0; f < _sums.Length; f++)
                {
                    _sums[f][slot] = 0;
                    _counts[f][slot] = 0;
                }
            }

            _records[slot] += records;
            for (var f = 0; f < _sums.Length; f++)
            {
                _sums[f][slot] += sums[f];
                _counts[f][slot] += counts[f];
            }
        }
    }

    /// <summary>Records per second for the seconds [end - destination.Length, end); zero where nothing arrived.</summary>
    public void CopyRecords(long endSecond, Span<double> destination)
    {
        lock (_lock)
        {
            var first = endSecond - destination.Length;
            for (var i = 0; i < destination.Length; i++)
            {
                var s = first + i;
                var slot = (int)(((s % Capacity) + Capacity) % Capacity);
                destination[i] = _second[slot] == s ? _records[slot] : 0;
            }
        }
    }

    /// <summary>
    /// Per-second mean of a field for the seconds [end - destination.Length, end). A second without values holds
    /// the previous second's mean (the first known mean before any), so gaps do not look like drops to zero.
    /// Returns false when no second of the span had a value.
    /// </summary>
    public bool CopyMeans(int field, long endSecond, Span<double> destination)
    {
        lock (_lock)
        {
            var first = endSecond - destination.Length;
            var sums = _sums[field];
            var counts = _counts[field];
            double? firstKnown = null;
            for (var i = 0; i < destination.Length && firstKnown is null; i++)
            {
                var s = first + i;
                var slot = (int)(((s % Capacity) + Capacity) % Capacity);
                if (_second[slot] == s && counts[slot] > 0)
                {
                    firstKnown = sums[slot] / counts[slot];
                }
            }

            if (firstKnown is not { } last)
            {
                return false;
            }

            for (var i = 0; i < destination.Length; i++)
            {
                var s = first + i;
                var slot = (int)(((s % Capacity) + Capacity) % Capacity);
                if (_second[slot] == s && counts[slot] > 0)
                {
                    last = sums[slot] / counts[slot];
                }

                destination[i] = last;
            }

            return true;
        }
    }
}
