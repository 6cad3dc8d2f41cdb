namespace ShadowAgent.Sketches.Frequency;

// Growth and the reverse purge. Each step mirrors DataSketches' reverse_purge_hash_map (C++) so that the slot
// layout, and with it the serialized item order, is the same as the library's for the same stream.
public sealed partial class FrequentItemsSketch
{
    private void GrowOrPurge()
    {
        if (_lgCurMapSize < LgMaxMapSize)
        {
            Grow();
        }
        else
        {
            _offset += Purge();
        }
    }

    // Re-inserts the active items, in old slot order, into a map twice the size; the arrays already have the
    // maximum size, so the active items wait in the scratch arrays instead of a freshly allocated map.
    private void Grow()
    {
        var oldSize = _mask + 1;
        var count = 0;
        for (var i = 0; i < oldSize; i++)
        {
            if (_states[i] != 0)
            {
                _scratchKeys[count] = _keys[i];
                _scratchValues[count] = _values[i];
                count++;
            }
        }

        Array.Clear(_states, 0, oldSize);
        SetCurrentSize(_lgCurMapSize + 1);
        _numActive = 0;
        for (var i = 0; i < count; i++)
        {
            AddOrIncrement(_scratchKeys[i], _scratchValues[i]);
        }
    }

    /// <summary>Adds to the item's counter or gives it a new one, without growing or purging; false when the item was new.</summary>
    private bool AddOrIncrement(long item, long count)
    {
        var index = Home(item) & _mask;
        var drift = 1;
        while (_states[index] != 0)
        {
            if (_keys[index] == item)
            {
                _values[index] += count;
                return true;
            }

            index = (index + 1) & _mask;
            drift++;
        }

        _keys[index] = item;
        _values[index] = count;
        _states[index] = (ushort)drift;
        _numActive++;
        return false;
    }

    // The median of (at most) the first 1024 counters in slot order is subtracted from all counters.
    private long Purge()
    {
        var limit = Math.Min(MaxSampleSize, _numActive);
        var n = 0;
        for (var i = 0; n < limit; i++)
        {
            if (_states[i] != 0)
            {
                _samples[n++] = _values[i];
            }
        }

        var median = Select(_samples.AsSpan(0, n), n / 2);
        SubtractAndKeepPositive(median);
        return median;
    }

    /// <summary>The k-th smallest value (0-based); reorders <paramref name="values"/>. Three-way quickselect, so runs of equal counters (mostly 1s) end in one pass.</summary>
    internal static long Select(Span<long> values, int k)
    {
        var lo = 0;
        var hi = values.Length - 1;
        while (lo < hi)
        {
            var pivot = MedianOfThree(values[lo], values[lo + ((hi - lo) >> 1)], values[hi]);
            int lt = lo, i = lo, gt = hi;
            while (i <= gt)
            {
                var v = values[i];
                if (v < pivot)
                {
                    values[i++] = values[lt];
                    values[lt++] = v;
                }
                else if (v > pivot)
                {
                    values[i] = values[gt];
                    values[gt--] = v;
                }
                else
                {
                    i++;
                }
            }

            if (k < lt)
            {
                hi = lt - 1;
            }
            else if (k > gt)
            {
                lo = gt + 1;
            }
            else
            {
                return pivot;
            }
        }

        return values[k];
    }

    private static long MedianOfThree(long a, long b, long c) =>
        a < b ? (b < c ? b : Math.Max(a, c)) : (a < c ? a : Math.Max(b, c));

    // Walks the map backwards from the high end of a cluster, so that deleting a counter only ever shifts
    // counters that were already adjusted; the wrapped-around cluster at the top is done last.
    private void SubtractAndKeepPositive(long amount)
    {
        var size = _mask + 1;
        var firstProbe = size - 1;
        while (_states[firstProbe] != 0)
        {
            firstProbe--;
        }

        for (var probe = firstProbe; probe-- > 0;)
        {
            AdjustOrDelete(probe, amount);
        }

        for (var probe = size; probe-- > firstProbe;)
        {
            AdjustOrDelete(probe, amount);
        }
    }

    private void AdjustOrDelete(int probe, long amount)
    {
        if (_states[probe] == 0)
        {
            return;
        }

        if (_values[probe] <= amount)
        {
            Delete(probe);
            _numActive--;
        }
        else
        {
            _values[probe] -= amount;
        }
    }

    // Linear-probing deletion without tombstones (Knuth's algorithm R): later items of the cluster that may live
    // in the freed slot move back into it.
    private void Delete(int deleteIndex)
    {
        _states[deleteIndex] = 0;
        var drift = 1;
        var probe = (deleteIndex + 1) & _mask;
        while (_states[probe] != 0)
        {
            if (_states[probe] > drift)
            {
                _keys[deleteIndex] = _keys[probe];
                _values[deleteIndex] = _values[probe];
                _states[deleteIndex] = (ushort)(_states[probe] - drift);
                _states[probe] = 0;
                drift = 0;
                deleteIndex = probe;
            }

            probe = (probe + 1) & _mask;
            drift++;
        }
    }
}
