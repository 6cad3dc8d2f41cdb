using System.Text;
using ShadowAgent.Core.Records;

namespace ShadowAgent.Features.Windowing;

/// <summary>
/// The text of the key values a connection's frequent-items sketches count, so heavy hitters can be shown by
/// name though the sketches only hold hashes. A value's text is captured when one of the connection's pane
/// sketches starts counting it (<see cref="PaneState.Shadow"/>): a sketch counts an item from its insertion on,
/// so every item a sketch can report had its text captured then, however many other values share the stream.
/// When a pane is handed to the stream, the texts of its top items go with it (<see cref="PaneState.TakeLabels"/>).
/// </summary>
/// <remarks>
/// Per key field, an open-addressing index over a dense entry table. The table starts small and doubles, up to
/// twice a sketch's map size (2^(lg+1) entries for the 0.75·2^lg counters it keeps; at most
/// <see cref="MaxEntries"/>), so a stream with few values costs little and steady state never allocates. When
/// the table is full, the values that no open pane of the connection counts any more are swept out; a value
/// that still finds no room goes without text. A sweep that frees less than a quarter of a table at its limit
/// (several panes open at once under event time) holds captures off for a quarter table's worth, so sweeps
/// stay amortized. Not thread-safe: used under the connection's batch gate.
/// </remarks>
internal sealed class KeyLabelCache
{
    /// <summary>Most values whose text one key field of one connection holds (1 MB of text).</summary>
    internal const int MaxEntries = 16384;

    private const int TextBytes = RecordView.MaxKeyTextBytes;
    private const int InitialEntries = 64;

    private readonly Table[] _tables;
    private readonly Func<int, long, bool> _isCounted;
    private readonly int _maxEntries;

    /// <param name="keys">Key fields of the stream.</param>
    /// <param name="lgMaxMapSize">The frequent-items sketches' log2 map size: they keep up to 0.75·2^lg counters.</param>
    /// <param name="isCounted">Whether an open pane of the connection counts item (key field, item).</param>
    public KeyLabelCache(int keys, int lgMaxMapSize, Func<int, long, bool> isCounted)
    {
        _isCounted = isCounted;
        _maxEntries = Math.Min(MaxEntries, 2 << Math.Min(lgMaxMapSize, 20));
        _tables = new Table[keys];
        for (var k = 0; k < keys; k++)
        {
            _tables[k] = new Table(Math.Min(InitialEntries, _maxEntries));
        }
    }

    /// <summary>Values of key field <paramref name="key"/> whose text is held now.</summary>
    public int Count(int key) => _tables[key].Count;

    /// <summary>A pane's sketch started counting the value with this hash: keep its text while anything counts it.</summary>
    public void Capture(int key, ulong hash, ReadOnlySpan<byte> text)
    {
        var t = _tables[key];
        var slot = t.Find(hash);
        if (t.Index[slot] != 0)
        {
            return;
        }

        if (t.Count == t.Hashes.Length)
        {
            if (t.HoldOff > 0)
            {
                t.HoldOff--;
                return;
            }

            t = MakeRoom(key, t);
            if (t.Count == t.Hashes.Length)
            {
                return;
            }

            slot = t.Find(hash);
        }

        var entry = t.Count++;
        t.Hashes[entry] = hash;
        var length = Math.Min(text.Length, TextBytes);
        t.Lengths[entry] = (byte)length;
        text[..length].CopyTo(t.Text.AsSpan(entry * TextBytes, TextBytes));
        t.Index[slot] = entry + 1;
    }

    /// <summary>The text of the value with this hash, when held.</summary>
    public bool TryGetText(int key, ulong hash, out string text)
    {
        var t = _tables[key];
        var entry = t.Index[t.Find(hash)] - 1;
        if (entry < 0)
        {
            text = "";
            return false;
        }

        text = Encoding.UTF8.GetString(t.Text.AsSpan(entry * TextBytes, t.Lengths[entry]));
        return true;
    }

    private Table MakeRoom(int key, Table t)
    {
        // Keep, packed at the front, what an open pane still counts.
        var kept = 0;
        for (var e = 0; e < t.Count; e++)
        {
            if (!_isCounted(key, (long)t.Hashes[e]))
            {
                continue;
            }

            if (kept != e)
            {
                t.Hashes[kept] = t.Hashes[e];
                t.Lengths[kept] = t.Lengths[e];
                t.Text.AsSpan(e * TextBytes, TextBytes).CopyTo(t.Text.AsSpan(kept * TextBytes, TextBytes));
            }

            kept++;
        }

        t.Count = kept;
        var capacity = t.Hashes.Length;
        if (kept > capacity / 2 && capacity < _maxEntries)
        {
            var grown = new Table(Math.Min(capacity * 2, _maxEntries));
            t.Hashes.AsSpan(0, kept).CopyTo(grown.Hashes);
            t.Lengths.AsSpan(0, kept).CopyTo(grown.Lengths);
            t.Text.AsSpan(0, kept * TextBytes).CopyTo(grown.Text);
            grown.Count = kept;
            _tables[key] = t = grown;
        }
        else if (kept > capacity * 3 / 4)
        {
            t.HoldOff = capacity / 4;
        }

        t.Reindex();
        return t;
    }

    private sealed class Table
    {
        public Table(int capacity)
        {
            Hashes = new ulong[capacity];
            Lengths = new byte[capacity];
            Text = new byte[capacity * TextBytes];

            // At most half full, so probes stay short.
            Index = new int[capacity * 2];
            Mask = Index.Length - 1;
        }

        public ulong[] Hashes { get; }

        public byte[] Lengths { get; }

        public byte[] Text { get; }

        /// <summary>Entry + 1 per slot; 0 is empty.</summary>
        public int[] Index { get; }

        public int Mask { get; }

        public int Count { get; set; }

        /// <summary>Captures to skip before the next sweep is worth it.</summary>
        public int HoldOff { get; set; }

        /// <summary>The slot holding the hash, or the empty slot where it would go.</summary>
        public int Find(ulong hash)
        {
            var slot = (int)(hash ^ (hash >> 32)) & Mask;
            while (Index[slot] != 0 && Hashes[Index[slot] - 1] != hash)
            {
                slot = (slot + 1) & Mask;
            }

            return slot;
        }

        public void Reindex()
        {
            Array.Clear(Index);
            for (var e = 0; e < Count; e++)
            {
                Index[Find(Hashes[e])] = e + 1;
            }
        }
    }
}
