using System.Text;
using ShadowAgent.Core.Records;

namespace ShadowAgent.Features.Windowing;

/// <summary>
/// Remembers the text of frequent key values so heavy hitters can be shown by name, though the sketches only
/// hold hashes. Per connection, each key field has a small direct-mapped table; a slot keeps its value while
/// the value keeps coming back (a per-slot majority vote: a hit counts up, a different value counts down and
/// replaces it at zero), so a value that holds a noticeable share of its slot's traffic stays, and copying
/// text happens only on replacement. The stream collects what connections hold into a bounded book.
/// </summary>
internal sealed class KeyLabelCache
{
    internal const int Slots = 128;
    private const int TextBytes = RecordView.MaxKeyTextBytes;

    private readonly ulong[] _hashes;
    private readonly int[] _votes;
    private readonly byte[] _lengths;
    private readonly byte[] _text;
    private readonly int _keys;

    public KeyLabelCache(int keys)
    {
        _keys = keys;
        _hashes = new ulong[keys * Slots];
        _votes = new int[keys * Slots];
        _lengths = new byte[keys * Slots];
        _text = new byte[keys * Slots * TextBytes];
    }

    public void Observe(in RecordView record)
    {
        var text = record.KeyText;
        if (text.IsEmpty)
        {
            return;
        }

        var hashes = record.KeyHashes;
        var present = record.KeysPresent;
        for (var k = 0; k < _keys && k < hashes.Length; k++)
        {
            if ((present & (1UL << k)) == 0)
            {
                continue;
            }

            var h = hashes[k].H1;
            var slot = (k * Slots) + (int)(h >> 57);
            if (_hashes[slot] == h && _votes[slot] > 0)
            {
                if (_votes[slot] < 1 << 20)
                {
                    _votes[slot]++;
                }
            }
            else if (--_votes[slot] <= 0)
            {
                var value = record.KeyValue(k);
                _hashes[slot] = h;
                _votes[slot] = 1;
                _lengths[slot] = (byte)value.Length;
                value.CopyTo(_text.AsSpan(slot * TextBytes, TextBytes));
            }
        }
    }

    /// <summary>Copies the values that are holding their slots into the stream's book.</summary>
    public void CopyTo(KeyLabelBook book)
    {
        for (var k = 0; k < _keys; k++)
        {
            for (var s = 0; s < Slots; s++)
            {
                var slot = (k * Slots) + s;
                if (_votes[slot] >= 2)
                {
                    book.Learn(k, _hashes[slot], _text.AsSpan(slot * TextBytes, _lengths[slot]));
                }
            }
        }
    }
}

/// <summary>The stream's bounded memory of key texts by hash, per key field. Thread-safe.</summary>
internal sealed class KeyLabelBook
{
    internal const int MaxPerKey = 4096;

    private readonly Dictionary<ulong, string>[] _byKey;

    public KeyLabelBook(int keys)
    {
        _byKey = new Dictionary<ulong, string>[keys];
        for (var i = 0; i < keys; i++)
        {
            _byKey[i] = [];
        }
    }

    public void Learn(int key, ulong hash, ReadOnlySpan<byte> text)
    {
        var map = _byKey[key];
        lock (map)
        {
            if (map.ContainsKey(hash))
            {
                return;
            }

            if (map.Count >= MaxPerKey)
            {
                // Forget everything rather than track recency: frequent values are learned again within a window.
                map.Clear();
            }

            map[hash] = Encoding.UTF8.GetString(text);
        }
    }

    public string Lookup(int key, ulong hash)
    {
        var map = _byKey[key];
        lock (map)
        {
            return map.TryGetValue(hash, out var text) ? text : "";
        }
    }
}
