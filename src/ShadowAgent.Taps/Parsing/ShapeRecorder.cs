using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ShadowAgent.Core.Records;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// The shape of one connection's records in the current window: every field path seen (object members by
/// name, array elements as "[]"), the JSON types it had and how many records carried it. Fed token by token
/// by <see cref="NdJsonFieldExtractor"/>; a record's observations count only once it parses completely.
/// <para>
/// Bounded and allocation-free per record: an open-addressing table, preallocated for
/// <see cref="MaxFields"/> paths, keyed by <see cref="PathHash"/>. A path's display text is allocated once,
/// when the path is first seen in the window, so those allocations are bounded by the field limit. Paths
/// seen after the table is full are not tracked; each occurrence adds to <see cref="FieldsOverLimit"/>.
/// </para>
/// <para>
/// Not thread-safe: written by the connection's parse loop, read and reset by whoever owns the window under
/// the same exclusion (the connection accumulator's batch gate).
/// </para>
/// </summary>
public sealed class ShapeRecorder : IRecordShapes
{
    public const int DefaultMaxFields = 1024;

    public const int DefaultMaxPathChars = 256;

    // Frame and pending-value markers; entry indices are >= 0.
    private const int Untracked = -1;
    private const int RootEntry = -2;
    private const int Unresolved = -3;

    private const int StackUnescapeBytes = 256;

    private readonly int _maxPathChars;
    private readonly int[] _slots;
    private readonly int _slotMask;

    // Entries, dense in first-seen order.
    private readonly ulong[] _hashes;
    private readonly string[] _paths;
    private readonly JsonTypes[] _types;
    private readonly long[] _records;
    private readonly JsonTypes[] _recordTypes;
    private readonly uint[] _stamps;

    // Entries touched by the record being read, each once (the stamp says whether it was).
    private readonly int[] _touched;

    // One frame per open container, indexed by depth: its entry, whether it is an array, and for an array
    // the entry of its elements (resolved at the first element).
    private readonly int[] _frameEntry = new int[NdJsonFieldExtractor.MaxDepth + 1];
    private readonly int[] _frameElement = new int[NdJsonFieldExtractor.MaxDepth + 1];
    private readonly bool[] _frameIsArray = new bool[NdJsonFieldExtractor.MaxDepth + 1];

    private byte[] _unescape = [];
    private int _count;
    private int _touchedCount;
    private uint _generation;
    private int _depth;
    private int _pending;
    private long _recordOverLimit;
    private long _recordsObserved;
    private long _fieldsOverLimit;

    public ShapeRecorder(int maxFields = DefaultMaxFields, int maxPathChars = DefaultMaxPathChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFields, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFields, 1 << 20);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPathChars, 8);
        MaxFields = maxFields;
        _maxPathChars = maxPathChars;

        // At most half full, so probes stay short even when the table is at its limit.
        var slots = (int)BitOperations.RoundUpToPowerOf2((uint)maxFields * 2);
        _slots = new int[slots];
        _slotMask = slots - 1;
        _hashes = new ulong[maxFields];
        _paths = new string[maxFields];
        _types = new JsonTypes[maxFields];
        _records = new long[maxFields];
        _recordTypes = new JsonTypes[maxFields];
        _stamps = new uint[maxFields];
        _touched = new int[maxFields];
    }

    public int MaxFields { get; }

    /// <summary>Records observed completely (malformed records are not) since the last <see cref="Reset"/>.</summary>
    public long Records => _recordsObserved;

    /// <summary>Occurrences, in observed records, of values whose path could not be tracked because the table was full.</summary>
    public long FieldsOverLimit => _fieldsOverLimit;

    /// <summary>Paths in the table, including any seen only in records that turned out malformed (zero records).</summary>
    public int FieldCount => _count;

    public ShapeField Field(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return new ShapeField(_hashes[index], _paths[index], _types[index], _records[index]);
    }

    /// <summary>Starts a new window: forgets every path and count; keeps the memory.</summary>
    public void Reset()
    {
        Array.Clear(_slots);
        Array.Clear(_paths, 0, _count);
        Array.Clear(_stamps, 0, _count);
        _count = 0;
        _generation = 0;
        _recordsObserved = 0;
        _fieldsOverLimit = 0;
    }

    internal void BeginRecord()
    {
        if (++_generation == 0)
        {
            // Once per four billion records: stamps from the previous cycle must not look current.
            Array.Clear(_stamps);
            _generation = 1;
        }

        _touchedCount = 0;
        _recordOverLimit = 0;
        _depth = 0;
        _frameEntry[0] = RootEntry;
        _frameIsArray[0] = false;
        _pending = Untracked;
    }

    internal void CommitRecord()
    {
        var touched = _touched;
        for (var i = 0; i < _touchedCount; i++)
        {
            var entry = touched[i];
            _records[entry]++;
            _types[entry] |= _recordTypes[entry];
        }

        _recordsObserved++;
        _fieldsOverLimit += _recordOverLimit;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Property(ref Utf8JsonReader reader)
    {
        var parent = _frameEntry[_depth];
        if (parent == Untracked)
        {
            _recordOverLimit++;
            _pending = Untracked;
            return;
        }

        if (!reader.ValueIsEscaped)
        {
            _pending = FindOrAdd(parent, reader.ValueSpan, isElement: false);
            return;
        }

        // Unescaping never makes a name longer than its escaped form.
        var escapedLength = reader.ValueSpan.Length;
        var scratch = escapedLength <= StackUnescapeBytes ? stackalloc byte[StackUnescapeBytes] : UnescapeBuffer(escapedLength);
        var length = reader.CopyString(scratch);
        _pending = FindOrAdd(parent, scratch[..length], isElement: false);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Scalar(JsonTokenType token) => Observe(ValueEntry(), TypeOf(token));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Start(bool isArray)
    {
        var entry = ValueEntry();
        Observe(entry, isArray ? JsonTypes.Array : JsonTypes.Object);

        // The extractor's depth check runs before this; the reader's MaxDepth bounds it.
        var depth = ++_depth;
        _frameEntry[depth] = entry;
        _frameIsArray[depth] = isArray;
        _frameElement[depth] = Unresolved;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void End() => _depth--;

    private static JsonTypes TypeOf(JsonTokenType token) => token switch
    {
        JsonTokenType.String => JsonTypes.String,
        JsonTokenType.Number => JsonTypes.Number,
        JsonTokenType.True or JsonTokenType.False => JsonTypes.Boolean,
        _ => JsonTypes.Null,
    };

    /// <summary>The entry the next value belongs to: the pending member of an object, or an array's elements.</summary>
    private int ValueEntry()
    {
        var depth = _depth;
        if (!_frameIsArray[depth])
        {
            var pending = _pending;
            _pending = Untracked;
            return pending;
        }

        var element = _frameElement[depth];
        if (element == Unresolved)
        {
            var array = _frameEntry[depth];
            if (array == Untracked)
            {
                _recordOverLimit++;
                element = Untracked;
            }
            else
            {
                element = FindOrAdd(array, [], isElement: true);
            }

            _frameElement[depth] = element;
        }

        return element;
    }

    private void Observe(int entry, JsonTypes type)
    {
        if (entry < 0)
        {
            return;
        }

        if (_stamps[entry] != _generation)
        {
            _stamps[entry] = _generation;
            _recordTypes[entry] = type;
            _touched[_touchedCount++] = entry;
        }
        else
        {
            _recordTypes[entry] |= type;
        }
    }

    private int FindOrAdd(int parent, ReadOnlySpan<byte> name, bool isElement)
    {
        var parentHash = parent == RootEntry ? PathHash.Root : _hashes[parent];
        var hash = isElement ? PathHash.Element(parentHash) : PathHash.Child(parentHash, name);
        var slots = _slots;
        var slot = (int)hash & _slotMask;

        // The table is never more than half full, so an empty slot ends every probe.
        while (true)
        {
            var index = slots[slot] - 1;
            if (index < 0)
            {
                break;
            }

            if (_hashes[index] == hash)
            {
                return index;
            }

            slot = (slot + 1) & _slotMask;
        }

        if (_count == MaxFields)
        {
            _recordOverLimit++;
            return Untracked;
        }

        var entry = _count++;
        slots[slot] = entry + 1;
        _hashes[entry] = hash;
        _types[entry] = JsonTypes.None;
        _records[entry] = 0;
        _paths[entry] = PathText(parent == RootEntry ? null : _paths[parent], name, isElement);
        return entry;
    }

    private string PathText(string? parent, ReadOnlySpan<byte> name, bool isElement)
    {
        var text = isElement ? parent + "[]"
            : parent is null ? Encoding.UTF8.GetString(name)
            : string.Concat(parent, ".", Encoding.UTF8.GetString(name));
        if (text.Length <= _maxPathChars)
        {
            return text;
        }

        var cut = _maxPathChars - 1;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), "…");
    }

    private Span<byte> UnescapeBuffer(int length)
    {
        if (_unescape.Length < length)
        {
            _unescape = new byte[Math.Max(length, _unescape.Length * 2)];
        }

        return _unescape;
    }
}
