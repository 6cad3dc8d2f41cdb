using System.Buffers.Binary;

namespace ShadowAgent.Sketches.Frequency;

// Apache DataSketches' serialized frequent-items sketch for 64-bit items (Java FrequentLongsSketch, C++
// frequent_items_sketch<int64_t>), little-endian:
//   byte 0 preamble longs (1 empty, 4 otherwise) · 1 serial version (1) · 2 family (10) · 3 lg max map size ·
//   4 lg cur map size · 5 flags (empty: bit 0 in C++, bit 2 in Java; we write both, read either) · 6–7 unused
//   then, unless empty: 8–11 active items · 12–15 unused · 16–23 stream length · 24–31 offset (maximum error)
//   then the active counters (8 bytes each) and then the active items (8 bytes each), both in slot order.
public sealed partial class FrequentItemsSketch
{
    private const int PreambleLongsEmpty = 1;
    private const int PreambleLongsNonEmpty = 4;
    private const int SerialVersion = 1;
    private const int FamilyId = 10;
    private const int EmptyFlags = 0b101;

    // DataSketches writes a sketch with no counters as "empty", dropping its stream length and error; we keep the
    // 32-byte form whenever the sketch has seen anything, which both libraries read back (0 active items).
    // The items of a sketch as Read listed them, and the state they describe: an unchanged sketch writes its items
    // back in that order, so read → write reproduces the input bytes even when the writer did not list them in
    // slot order. Any update, merge or clear changes the state and the map's slot order is used again.
    private long[]? _listedItems;
    private (long StreamLength, long Offset, int Active) _listedState;

    private bool WritesEmptyForm => _numActive == 0 && _streamLength == 0 && _offset == 0;

    /// <summary>Bytes that <see cref="TryWriteTo"/> writes.</summary>
    public int SerializedSize => WritesEmptyForm ? 8 : (PreambleLongsNonEmpty * 8) + (_numActive * 16);

    /// <summary>Writes the DataSketches frequent-longs format; false (nothing written) when <paramref name="destination"/> is too small.</summary>
    public bool TryWriteTo(Span<byte> destination, out int written)
    {
        var size = SerializedSize;
        if (destination.Length < size)
        {
            written = 0;
            return false;
        }

        var empty = WritesEmptyForm;
        destination[0] = empty ? (byte)PreambleLongsEmpty : (byte)PreambleLongsNonEmpty;
        destination[1] = SerialVersion;
        destination[2] = FamilyId;
        destination[3] = (byte)LgMaxMapSize;
        destination[4] = (byte)_lgCurMapSize;
        destination[5] = empty ? (byte)EmptyFlags : (byte)0;
        destination[6] = 0;
        destination[7] = 0;
        if (!empty)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)_numActive);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(destination[16..], _streamLength);
            BinaryPrimitives.WriteInt64LittleEndian(destination[24..], _offset);
            var values = destination.Slice(32, _numActive * 8);
            var items = destination.Slice(32 + (_numActive * 8), _numActive * 8);
            if (_listedItems is not null && _listedState == (_streamLength, _offset, _numActive))
            {
                for (var i = 0; i < _listedItems.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(values[(i * 8)..], Counter(_listedItems[i]));
                    BinaryPrimitives.WriteInt64LittleEndian(items[(i * 8)..], _listedItems[i]);
                }

                written = size;
                return true;
            }

            var n = 0;
            for (var i = 0; n < _numActive; i++)
            {
                if (_states[i] != 0)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(values[(n * 8)..], _values[i]);
                    BinaryPrimitives.WriteInt64LittleEndian(items[(n * 8)..], _keys[i]);
                    n++;
                }
            }
        }

        written = size;
        return true;
    }

    /// <summary>The serialized sketch in a new array.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[SerializedSize];
        TryWriteTo(bytes, out _);
        return bytes;
    }

    /// <summary>Reads a DataSketches frequent-longs sketch (from Java, C++ or this class).</summary>
    /// <exception cref="FormatException">The bytes are not a valid frequent-longs sketch; the message says what is wrong.</exception>
    public static FrequentItemsSketch Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < 8)
        {
            throw Bad($"{source.Length} bytes is shorter than the 8-byte preamble");
        }

        var preambleLongs = source[0] & 0x3F;
        var serialVersion = source[1];
        var family = source[2];
        var lgMax = source[3];
        var lgCur = source[4];
        var flags = source[5];
        if (family != FamilyId)
        {
            throw Bad($"family id {family} is not {FamilyId} (frequent items)");
        }

        if (serialVersion != SerialVersion)
        {
            throw Bad($"serial version {serialVersion} is not {SerialVersion}");
        }

        if ((flags & ~EmptyFlags) != 0)
        {
            throw Bad($"flags 0x{flags:X2} set bits other than the empty flags");
        }

        if (lgMax < MinLgMapSize || lgMax > MaxLgMaxMapSize)
        {
            throw Bad($"lg max map size {lgMax} is outside the supported {MinLgMapSize}..{MaxLgMaxMapSize}");
        }

        if (lgCur < MinLgMapSize || lgCur > lgMax)
        {
            throw Bad($"lg cur map size {lgCur} is outside {MinLgMapSize}..{lgMax} (the lg max map size)");
        }

        var empty = (flags & EmptyFlags) != 0;
        var expectedPreamble = empty ? PreambleLongsEmpty : PreambleLongsNonEmpty;
        if (preambleLongs != expectedPreamble)
        {
            throw Bad($"preamble longs {preambleLongs} should be {expectedPreamble} for {(empty ? "an empty" : "a non-empty")} sketch");
        }

        var sketch = new FrequentItemsSketch(lgMax, lgCur);
        if (empty)
        {
            return sketch;
        }

        if (source.Length < 32)
        {
            throw Bad($"{source.Length} bytes is shorter than the 32-byte preamble of a non-empty sketch");
        }

        var active = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        var streamLength = BinaryPrimitives.ReadInt64LittleEndian(source[16..]);
        var offset = BinaryPrimitives.ReadInt64LittleEndian(source[24..]);
        if (active > (uint)sketch._capacity)
        {
            throw Bad($"{active} active items exceed the {sketch._capacity} counters of a map of 2^{lgCur} slots");
        }

        var count = (int)active;
        if (source.Length < 32 + (count * 16))
        {
            throw Bad($"{source.Length} bytes cannot hold {count} counters and items ({32 + (count * 16)} bytes)");
        }

        if (streamLength < 0 || offset < 0)
        {
            throw Bad($"stream length {streamLength} or offset {offset} is negative");
        }

        var values = source.Slice(32, count * 8);
        var items = source.Slice(32 + (count * 8), count * 8);
        var listed = new long[count];
        UInt128 total = 0;
        for (var i = 0; i < count; i++)
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(values[(i * 8)..]);
            if (value <= 0)
            {
                throw Bad($"counter {i} is {value}; counters are positive");
            }

            total += (ulong)value;
            listed[i] = BinaryPrimitives.ReadInt64LittleEndian(items[(i * 8)..]);
            if (sketch.AddOrIncrement(listed[i], value))
            {
                throw Bad($"item {i} appears twice");
            }
        }

        if (total > (ulong)streamLength)
        {
            throw Bad($"the counters sum to {total}, more than the stream length {streamLength}");
        }

        sketch.RestoreSlotOrder(listed);
        sketch._streamLength = streamLength;
        sketch._offset = offset;
        sketch._listedItems = listed;
        sketch._listedState = (streamLength, offset, count);
        return sketch;
    }

    // Linear probing fills the same set of slots whatever the insertion order. A writer that lists its items in
    // slot order (the DataSketches C++ library and this class do) had its i-th listed item in the i-th occupied
    // slot; putting it back there reproduces the writer's layout exactly, also for a cluster that wraps around
    // the end of the map, where re-inserting in listed order would not. Later updates and purges then go exactly
    // as the writer's would. When the listed order is not a valid layout (an item would become unreachable from
    // its home slot), the items stay where re-insertion put them.
    private void RestoreSlotOrder(long[] listed)
    {
        var size = _mask + 1;
        var empty = Array.IndexOf(_states, (ushort)0, 0, size);
        var run = new int[size];
        for (int step = 1, length = 0; step <= size; step++)
        {
            var slot = (empty + step) & _mask;
            length = _states[slot] != 0 ? length + 1 : 0;
            run[slot] = length;
        }

        var slots = new int[listed.Length];
        for (int slot = 0, n = 0; slot < size; slot++)
        {
            if (_states[slot] == 0)
            {
                continue;
            }

            if (((slot - Home(listed[n])) & _mask) + 1 > run[slot])
            {
                return;
            }

            slots[n++] = slot;
        }

        var counters = new long[listed.Length];
        for (var n = 0; n < listed.Length; n++)
        {
            counters[n] = Counter(listed[n]);
        }

        for (var n = 0; n < listed.Length; n++)
        {
            var slot = slots[n];
            _keys[slot] = listed[n];
            _values[slot] = counters[n];
            _states[slot] = (ushort)(((slot - Home(listed[n])) & _mask) + 1);
        }
    }

    private static FormatException Bad(string what) => new($"Not a DataSketches frequent-longs sketch: {what}.");
}
