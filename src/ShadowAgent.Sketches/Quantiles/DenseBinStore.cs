using System.Runtime.CompilerServices;

namespace ShadowAgent.Sketches.Quantiles;

/// <summary>
/// Bin counts in one contiguous array with an index offset, grown on demand and bounded to
/// <see cref="MaxBins"/> bins: when a new index would make the range wider, the lowest bins are folded into the
/// lowest kept one (DDSketch's "collapsing lowest" store), so the high quantiles keep their guarantee and only
/// the low tail loses resolution.
/// </summary>
internal sealed class DenseBinStore
{
    private const int GrowthChunk = 64;

    private double[] _counts = [];
    private int _offset;         // index held by _counts[0]
    private int _minIndex = int.MaxValue;
    private int _maxIndex = int.MinValue;

    public DenseBinStore(int maxBins) => MaxBins = maxBins;

    public int MaxBins { get; }

    public double TotalCount { get; private set; }

    public bool IsEmpty => _minIndex > _maxIndex;

    /// <summary>True once some bins were folded into a higher one: low quantiles are no longer within α.</summary>
    public bool IsCollapsed { get; private set; }

    public int MinIndex => _minIndex;

    public int MaxIndex => _maxIndex;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int index, double count)
    {
        if (index < _minIndex || index > _maxIndex)
        {
            index = Extend(index);
        }

        _counts[index - _offset] += count;
        TotalCount += count;
    }

    public double CountAt(int index) =>
        index < _minIndex || index > _maxIndex ? 0 : _counts[index - _offset];

    /// <summary>The index of the bin holding the item of 0-based rank <paramref name="rank"/>, lowest first.</summary>
    public int IndexAtRank(double rank)
    {
        double cumulative = 0;
        for (int i = _minIndex; i <= _maxIndex; i++)
        {
            cumulative += _counts[i - _offset];
            if (cumulative > rank)
            {
                return i;
            }
        }

        return _maxIndex;
    }

    /// <summary>The counts of bins MinIndex..MaxIndex (empty when the store is).</summary>
    public ReadOnlySpan<double> Bins => IsEmpty ? [] : _counts.AsSpan(_minIndex - _offset, _maxIndex - _minIndex + 1);

    public void MergeFrom(DenseBinStore other)
    {
        if (other.IsEmpty)
        {
            return;
        }

        // Size once for the whole range, then add bin by bin (collapsing still applies).
        Add(other._maxIndex, 0);
        Add(other._minIndex, 0);
        ReadOnlySpan<double> bins = other.Bins;
        for (int i = 0; i < bins.Length; i++)
        {
            if (bins[i] != 0)
            {
                Add(other._minIndex + i, bins[i]);
            }
        }
    }

    public DenseBinStore Clone()
    {
        var copy = new DenseBinStore(MaxBins)
        {
            _counts = (double[])_counts.Clone(),
            _offset = _offset,
            _minIndex = _minIndex,
            _maxIndex = _maxIndex,
            TotalCount = TotalCount,
            IsCollapsed = IsCollapsed,
        };
        return copy;
    }

    // Widens [_minIndex, _maxIndex] to take index, collapsing the lowest bins past MaxBins; returns the index the
    // count must go to (index itself, or the lowest kept bin when index falls below the kept range).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Extend(int index)
    {
        int newMin = IsEmpty ? index : Math.Min(index, _minIndex);
        int newMax = IsEmpty ? index : Math.Max(index, _maxIndex);
        if ((long)newMax - newMin + 1 > MaxBins)
        {
            newMin = newMax - MaxBins + 1;
            if (!IsEmpty && _minIndex < newMin)
            {
                CollapseBelow(newMin);
            }

            IsCollapsed = true;
        }

        Reserve(newMin, newMax);
        _minIndex = newMin;
        _maxIndex = newMax;
        return Math.Max(index, newMin);
    }

    // Moves the counts of every bin below newMin into bin newMin (which may lie above the current range).
    private void CollapseBelow(int newMin)
    {
        double folded = 0;
        int last = Math.Min(_maxIndex, newMin - 1);
        for (int i = _minIndex; i <= last; i++)
        {
            folded += _counts[i - _offset];
            _counts[i - _offset] = 0;
        }

        if (newMin > _maxIndex)
        {
            // Everything folds into the new lowest bin: restart the array around it.
            _minIndex = int.MaxValue;
            _maxIndex = int.MinValue;
            _counts.AsSpan().Clear();
            Reserve(newMin, newMin);
            _counts[newMin - _offset] = folded;
            _minIndex = newMin;
            _maxIndex = newMin;
            return;
        }

        _minIndex = newMin;
        _counts[newMin - _offset] += folded;
    }

    // Makes [newMin, newMax] addressable, keeping the current bins in place by index.
    private void Reserve(int newMin, int newMax)
    {
        if (_counts.Length > 0 && newMin >= _offset && (long)newMax < (long)_offset + _counts.Length)
        {
            return;
        }

        long needed = (long)newMax - newMin + 1;
        int length = _counts.Length;
        if (length < needed)
        {
            length = (int)Math.Min(MaxBins, Math.Max(needed + GrowthChunk, 2L * length));
        }

        // Centre the range in the array so growth in either direction rarely needs another move.
        long slack = length - needed;
        long newOffset = newMin - (slack / 2);
        newOffset = Math.Clamp(newOffset, int.MinValue, (long)int.MaxValue - length + 1);
        var counts = length == _counts.Length ? _counts : new double[length];
        if (!IsEmpty)
        {
            var old = _counts.AsSpan(_minIndex - _offset, _maxIndex - _minIndex + 1).ToArray();
            if (ReferenceEquals(counts, _counts))
            {
                counts.AsSpan().Clear();
            }

            old.CopyTo(counts.AsSpan((int)(_minIndex - newOffset)));
        }

        _counts = counts;
        _offset = (int)newOffset;
    }
}
