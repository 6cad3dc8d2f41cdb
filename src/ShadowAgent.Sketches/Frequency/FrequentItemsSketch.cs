using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ShadowAgent.Sketches.Frequency;

/// <summary>
/// Heavy hitters over 64-bit items (key hashes or integer keys): Apache DataSketches' frequent-items sketch,
/// a Misra-Gries / SpaceSaving counter set kept in a reverse-purge hash map.
/// Paper: D. Anderson, P. Bevan, K. Lang, E. Liberty, L. Rhodes, J. Thaler, "A High-Performance Algorithm for
/// Identifying Frequent Items in Data Streams", IMC 2017.
/// </summary>
/// <remarks>
/// The map holds at most 0.75·2^lgMaxMapSize counters. When a new item would exceed that, the median of the
/// counters (of the first 1024 counters when the map is larger) is subtracted from every counter, counters that
/// drop to zero or below are removed, and the median is added to <see cref="MaximumError"/>. For any item the
/// true frequency f satisfies counter ≤ f ≤ counter + MaximumError, and MaximumError ≤ 3.5·N / 2^lgMaxMapSize.
/// Hashing (fmix64 of the item), linear probing, growth from 2^3 slots, purge and deletion follow the DataSketches
/// C++ library step by step, so the same stream gives the same counters and the same serialized bytes.
/// All arrays are allocated up front at the maximum size: <see cref="Update"/> never allocates.
/// Not thread-safe.
/// </remarks>
public sealed partial class FrequentItemsSketch
{
    /// <summary>DataSketches' default map size for the shadow: up to 768 counters.</summary>
    public const int DefaultLgMaxMapSize = 10;

    /// <summary>The smallest map DataSketches builds (8 slots).</summary>
    public const int MinLgMapSize = 3;

    /// <summary>The largest map this implementation accepts (2^20 slots, about 30 MB preallocated).</summary>
    public const int MaxLgMaxMapSize = 20;

    private const double LoadFactor = 0.75;
    private const int MaxSampleSize = 1024;

    private readonly long[] _keys;
    private readonly long[] _values;
    private readonly ushort[] _states; // 0 = empty, else 1 + distance from the item's home slot
    private readonly long[] _samples;
    private readonly long[] _scratchKeys;
    private readonly long[] _scratchValues;

    private int _lgCurMapSize;
    private int _mask;
    private int _capacity;
    private int _numActive;
    private long _streamLength;
    private long _offset;

    /// <summary>Creates an empty sketch that keeps up to 0.75·2^<paramref name="lgMaxMapSize"/> counters.</summary>
    public FrequentItemsSketch(int lgMaxMapSize = DefaultLgMaxMapSize)
        : this(lgMaxMapSize, MinLgMapSize)
    {
    }

    internal FrequentItemsSketch(int lgMaxMapSize, int lgCurMapSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lgMaxMapSize, MinLgMapSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lgMaxMapSize, MaxLgMaxMapSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(lgCurMapSize, MinLgMapSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lgCurMapSize, lgMaxMapSize);

        LgMaxMapSize = lgMaxMapSize;
        var maxSize = 1 << lgMaxMapSize;
        _keys = new long[maxSize];
        _values = new long[maxSize];
        _states = new ushort[maxSize];
        var maxCapacity = CapacityOf(lgMaxMapSize);
        _samples = new long[Math.Min(MaxSampleSize, maxCapacity + 1)];
        var scratch = lgMaxMapSize > MinLgMapSize ? CapacityOf(lgMaxMapSize - 1) + 1 : 0;
        _scratchKeys = new long[scratch];
        _scratchValues = new long[scratch];
        SetCurrentSize(lgCurMapSize);
    }

    /// <summary>log2 of the largest map; the sketch keeps up to 0.75·2^LgMaxMapSize counters.</summary>
    public int LgMaxMapSize { get; }

    /// <summary>log2 of the current map (it grows from 2^3 up to 2^<see cref="LgMaxMapSize"/>).</summary>
    public int LgCurMapSize => _lgCurMapSize;

    /// <summary>How many items have a counter.</summary>
    public int NumActiveItems => _numActive;

    /// <summary>True when no item has a counter (DataSketches' definition: also after a purge that removed every counter).</summary>
    public bool IsEmpty => _numActive == 0;

    /// <summary>Sum of all counts given to <see cref="Update"/>, including merged sketches.</summary>
    public long StreamLength => _streamLength;

    /// <summary>The most any estimate can be above the true frequency (the sum of the purge medians, the "offset").</summary>
    public long MaximumError => _offset;

    /// <summary>Counts <paramref name="count"/> occurrences of <paramref name="item"/>. Allocates nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Update(long item, long count = 1)
    {
        if (count <= 0)
        {
            if (count == 0)
            {
                return;
            }

            ThrowNegativeCount(count);
        }

        _streamLength += count;
        var mask = _mask;
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_keys);
        ref var states = ref MemoryMarshal.GetArrayDataReference(_states);
        var index = Home(item) & mask;
        var drift = 1;
        while (Unsafe.Add(ref states, index) != 0)
        {
            if (Unsafe.Add(ref keys, index) == item)
            {
                Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_values), index) += count;
                return;
            }

            index = (index + 1) & mask;
            drift++;
        }

        if (drift > ushort.MaxValue)
        {
            ThrowProbeTooLong();
        }

        Unsafe.Add(ref keys, index) = item;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_values), index) = count;
        Unsafe.Add(ref states, index) = (ushort)drift;
        if (++_numActive > _capacity)
        {
            GrowOrPurge();
        }
    }

    /// <summary>
    /// Adds <paramref name="other"/>'s counters and error into this sketch (DataSketches' merge: every counter of
    /// the other sketch is an update here, then the other's maximum error is added to ours).
    /// </summary>
    public void Merge(FrequentItemsSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            throw new ArgumentException("A sketch cannot be merged into itself.", nameof(other));
        }

        // DataSketches skips an "empty" sketch (no counters); we skip only one that saw nothing, so the stream
        // length and error of a sketch whose every counter was purged are not lost.
        if (other._streamLength == 0 && other._offset == 0)
        {
            return;
        }

        var mergedLength = _streamLength + other._streamLength;
        var size = other._mask + 1;
        for (var i = 0; i < size; i++)
        {
            if (other._states[i] != 0)
            {
                Update(other._keys[i], other._values[i]);
            }
        }

        _offset += other._offset;
        _streamLength = mergedLength;
    }

    /// <summary>Forgets everything, keeping the allocated arrays (for reuse across windows).</summary>
    public void Clear()
    {
        Array.Clear(_states);
        _listedItems = null;
        SetCurrentSize(MinLgMapSize);
        _numActive = 0;
        _streamLength = 0;
        _offset = 0;
    }

    /// <summary>The estimated frequency: counter + <see cref="MaximumError"/> when tracked, else 0 (as DataSketches).</summary>
    public long Estimate(long item)
    {
        var counter = Counter(item);
        return counter > 0 ? counter + _offset : 0;
    }

    /// <summary>A frequency the true one is at least: the item's counter (0 when not tracked).</summary>
    public long LowerBound(long item) => Counter(item);

    /// <summary>A frequency the true one is at most: counter + <see cref="MaximumError"/>.</summary>
    public long UpperBound(long item) => Counter(item) + _offset;

    /// <summary>
    /// Items above <paramref name="threshold"/> (raised to <see cref="MaximumError"/> when below it, as DataSketches'
    /// Java library does), by estimate descending then item ascending. NoFalsePositives keeps items whose lower
    /// bound exceeds the threshold; NoFalseNegatives keeps items whose upper bound does.
    /// </summary>
    public IReadOnlyList<FrequentRow> FrequentItems(ErrorType errorType, long threshold = 0)
    {
        if (errorType is not (ErrorType.NoFalsePositives or ErrorType.NoFalseNegatives))
        {
            throw new ArgumentOutOfRangeException(nameof(errorType), errorType, "Unknown error type.");
        }

        threshold = Math.Max(threshold, _offset);
        var rows = new List<FrequentRow>();
        var size = _mask + 1;
        for (var i = 0; i < size; i++)
        {
            if (_states[i] == 0)
            {
                continue;
            }

            var lower = _values[i];
            var upper = lower + _offset;
            if ((errorType == ErrorType.NoFalsePositives ? lower : upper) > threshold)
            {
                rows.Add(new FrequentRow(_keys[i], upper, lower, upper));
            }
        }

        rows.Sort(static (a, b) => a.Estimate != b.Estimate ? b.Estimate.CompareTo(a.Estimate) : a.Item.CompareTo(b.Item));
        return rows;
    }

    /// <summary>The <paramref name="k"/> most frequent rows of <see cref="FrequentItems"/> at the default threshold (the maximum error).</summary>
    public IReadOnlyList<FrequentRow> TopK(int k, ErrorType errorType)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var rows = (List<FrequentRow>)FrequentItems(errorType);
        if (rows.Count > k)
        {
            rows.RemoveRange(k, rows.Count - k);
        }

        return rows;
    }

    /// <summary>DataSketches' hash for a 64-bit item: MurmurHash3's fmix64 finalizer (over the identity std::hash).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Home(long item)
    {
        var k = (ulong)item;
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53UL;
        k ^= k >> 33;
        return (int)k;
    }

    private static int CapacityOf(int lgSize) => (int)((1 << lgSize) * LoadFactor);

    private static void ThrowNegativeCount(long count) =>
        throw new ArgumentOutOfRangeException(nameof(count), count, "A count must not be negative.");

    private static void ThrowProbeTooLong() =>
        throw new InvalidOperationException("A probe sequence outgrew the 16-bit slot state; the map is far from its load factor.");

    private long Counter(long item)
    {
        var index = Home(item) & _mask;
        while (_states[index] != 0)
        {
            if (_keys[index] == item)
            {
                return _values[index];
            }

            index = (index + 1) & _mask;
        }

        return 0;
    }

    private void SetCurrentSize(int lgSize)
    {
        _lgCurMapSize = lgSize;
        _mask = (1 << lgSize) - 1;
        _capacity = CapacityOf(lgSize);
    }
}
