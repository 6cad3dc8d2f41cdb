namespace ShadowAgent.Detection.Detectors;

/// <summary>
/// Contextual novelty, in the spirit of the contextual anomaly detectors that do well on NAB (CAD OSE, HTM):
/// each value is discretized into one of a few levels of the range seen so far, the recent levels form
/// contexts of orders 0..K (the last k symbols), and the detector learns online how often each symbol followed
/// each context. The statistic is the mean surprise −ln P(symbol | context) over the orders, with add-½
/// smoothing, so a value that is ordinary in magnitude but has never followed its recent history scores high,
/// and the same value scores low once that transition has been learned. O(K) per value, allocation-free.
/// </summary>
/// <remarks>
/// Levels cover [min, max] of the values seen so far; a value outside the range gets its own symbol (below /
/// above) and then widens the range by a margin, so a new extreme is a surprise once rather than forever.
/// Widening re-maps the levels, which is itself a (brief) burst of novelty — as it should be: the series left
/// the range it lived in. Counts live in a fixed-size open-addressing table keyed by (order, context, symbol);
/// when a probe run is full the least-counted slot is reused, and all counts are halved when a context's total
/// reaches a cap, so old facts fade and the table stays bounded.
/// </remarks>
public sealed class ContextNovelty : IStreamDetector
{
    private const int SymbolBits = 5;
    private const int Probes = 8;
    private const int CountCap = 4096;
    private const ulong NoSymbol = (1UL << SymbolBits) - 1;
    private const double Smoothing = 0.5;
    private const double RangeMargin = 0.1;

    private readonly int _levels;
    private readonly int _order;
    private readonly int _warmup;
    private readonly ulong[] _keys;
    private readonly int[] _counts;
    private readonly int _mask;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private ulong _history;
    private long _count;

    /// <param name="levels">Value levels across the range (2 to 30; two more symbols mark below / above it).</param>
    /// <param name="order">Longest context, in previous symbols (0 to 12).</param>
    /// <param name="tableBits">log2 of the count table's slots (8 to 20).</param>
    /// <param name="warmup">Values learned before the first score.</param>
    public ContextNovelty(int levels, int order, int tableBits, int warmup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(levels, (int)NoSymbol - 2);
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, 12);
        ArgumentOutOfRangeException.ThrowIfLessThan(tableBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tableBits, 20);
        _levels = levels;
        _order = order;
        _warmup = Math.Max(warmup, 2);
        _keys = new ulong[1 << tableBits];
        _counts = new int[1 << tableBits];
        _mask = (1 << tableBits) - 1;
    }

    public string Name => "context";

    /// <summary>Forgets the learned facts and the range.</summary>
    public void Restart()
    {
        Array.Clear(_keys);
        Array.Clear(_counts);
        _min = double.PositiveInfinity;
        _max = double.NegativeInfinity;
        _history = 0;
        _count = 0;
    }

    public double Observe(double value)
    {
        var symbol = Symbol(value);
        var statistic = double.NaN;
        if (_count >= _warmup)
        {
            var surprise = 0.0;
            for (var k = 0; k <= _order; k++)
            {
                var context = Context(k);
                var total = Find(Key(k, context, NoSymbol));
                var seen = Find(Key(k, context, symbol));
                var p = ((seen < 0 ? 0 : _counts[seen]) + Smoothing) / ((total < 0 ? 0 : _counts[total]) + (Smoothing * (_levels + 2)));
                surprise -= Math.Log(p);
            }

            statistic = surprise / (_order + 1);
        }

        for (var k = 0; k <= _order; k++)
        {
            Learn(k, Context(k), symbol);
        }

        _history = (_history << SymbolBits) | symbol;
        Widen(value);
        _count++;
        return statistic;
    }

    private ulong Symbol(double value)
    {
        if (!(_max >= _min))
        {
            return 0;
        }

        if (value < _min)
        {
            return (ulong)_levels;
        }

        if (value > _max)
        {
            return (ulong)_levels + 1;
        }

        var range = _max - _min;
        return range <= 0 ? 0 : (ulong)Math.Min(_levels - 1, (int)((value - _min) / range * _levels));
    }

    private void Widen(double value)
    {
        if (!(_max >= _min))
        {
            _min = _max = value;
            return;
        }

        var margin = RangeMargin * Math.Max(_max - _min, 1e-9 * Math.Max(Math.Abs(value), 1));
        if (value < _min)
        {
            _min = value - margin;
        }
        else if (value > _max)
        {
            _max = value + margin;
        }
    }

    private ulong Context(int k) => k == 0 ? 0 : _history & ((1UL << (SymbolBits * k)) - 1);

    private static ulong Key(int order, ulong context, ulong symbol)
    {
        // SplitMix64 finalizer over (order, context, symbol); 0 is reserved for an empty slot.
        var x = (context * 0x9E3779B97F4A7C15UL) ^ ((ulong)order << 56) ^ (symbol << 48) ^ symbol;
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x == 0 ? 1 : x;
    }

    private int Find(ulong key)
    {
        var slot = (int)key & _mask;
        for (var i = 0; i < Probes; i++, slot = (slot + 1) & _mask)
        {
            if (_keys[slot] == key)
            {
                return slot;
            }

            if (_keys[slot] == 0)
            {
                return -1;
            }
        }

        return -1;
    }

    private int Slot(ulong key)
    {
        var slot = (int)key & _mask;
        var weakest = slot;
        for (var i = 0; i < Probes; i++, slot = (slot + 1) & _mask)
        {
            if (_keys[slot] == key)
            {
                return slot;
            }

            if (_keys[slot] == 0)
            {
                _keys[slot] = key;
                return slot;
            }

            if (_counts[slot] < _counts[weakest])
            {
                weakest = slot;
            }
        }

        _keys[weakest] = key;
        _counts[weakest] = 0;
        return weakest;
    }

    private void Learn(int order, ulong context, ulong symbol)
    {
        var total = Slot(Key(order, context, NoSymbol));
        var seen = Slot(Key(order, context, symbol));
        _counts[seen]++;
        if (++_counts[total] >= CountCap)
        {
            // Halve this context's facts: recent transitions outweigh old ones.
            _counts[total] /= 2;
            for (ulong s = 0; s < (ulong)_levels + 2; s++)
            {
                var at = Find(Key(order, context, s));
                if (at >= 0)
                {
                    _counts[at] /= 2;
                }
            }
        }
    }
}
