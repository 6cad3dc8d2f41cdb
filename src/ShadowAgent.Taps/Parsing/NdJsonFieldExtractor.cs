using System.Text.Json;
using System.Text.Unicode;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// Reads the configured fields of one NDJSON record in place. The whole line is read so that malformed
/// JSON anywhere in it is detected, but only the configured paths are looked at: property names are
/// compared as raw UTF-8 against the <see cref="FieldTrie"/>, key values are hashed from their bytes and
/// numbers are read as doubles. One instance per connection (it holds the output of the last record);
/// nothing is allocated per record unless the record is malformed.
/// </summary>
internal sealed class NdJsonFieldExtractor : ILineExtractor
{
    /// <summary>The reader's nesting limit; deeper records are malformed.</summary>
    internal const int MaxDepth = 64;

    // Built once: no trailing commas, one value per input.

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    private const int StackUnescapeBytes = 256;

    private readonly FieldNode _root;
    private readonly KeyHash128[] _keyHashes;
    private readonly byte[] _keyText;
    private readonly byte[] _keyTextLengths;
    private readonly bool _hasTime;
    private readonly EventTimeFormat _timeFormat;
    private readonly double[] _numbers;
    private readonly ShapeRecorder? _shape;

    // Trie node of each open container, indexed by depth; sized for the reader's depth limit.
    private readonly FieldNode?[] _stack = new FieldNode?[MaxDepth + 1];
    private byte[] _unescape = [];
    private ulong _keysPresent;
    private ulong _keysSeen;
    private ulong _numbersPresent;
    private ulong _numbersSeen;
    private ulong _numbersNotNumeric;
    private bool _timeSeen;
    private EventTimeState _time;
    private long _timeMs;

    /// <param name="fields">The stream's configured fields.</param>
    /// <param name="shape">When set, every successfully extracted record's shape is recorded into it.</param>
    public NdJsonFieldExtractor(FieldTrie fields, ShapeRecorder? shape = null)
    {
        _shape = shape;
        _root = fields.Root;
        _keyHashes = new KeyHash128[fields.KeyCount];
        _keyText = new byte[fields.KeyCount * RecordView.MaxKeyTextBytes];
        _keyTextLengths = new byte[fields.KeyCount];
        _numbers = new double[fields.NumberCount];
        _hasTime = fields.HasTime;
        _timeFormat = fields.TimeFormat;
    }

    /// <summary>The recorder of this connection's record shapes, or null when the stream does not observe them.</summary>
    public ShapeRecorder? Shape => _shape;

    /// <summary>The fields of the record last extracted successfully.</summary>
    public RecordView View(int bytes) =>
        new(bytes, _keyHashes, _keysPresent, _numbers, _numbersPresent, _numbersNotNumeric, _keyText, _keyTextLengths, _time, _timeMs);

    /// <summary>Extracts the fields of one record (the line without its '\n'; a trailing '\r' is allowed).</summary>
    public bool TryExtract(ReadOnlySpan<byte> line, out RecordError error)
    {
        _keysPresent = 0;
        _keysSeen = 0;
        _numbersPresent = 0;
        _numbersSeen = 0;
        _numbersNotNumeric = 0;
        _timeSeen = false;
        _time = _hasTime ? EventTimeState.Missing : EventTimeState.NotConfigured;

        // An absent key has no text: none may be left from the record before.
        _keyTextLengths.AsSpan().Clear();

        // Utf8JsonReader does not validate the contents of strings; one vectorized pass does.
        if (!Utf8.IsValid(line))
        {
            error = RecordError.InvalidUtf8;
            return false;
        }

        error = RecordError.Malformed;
        try
        {
            if (_shape is null)
            {
                return ReadRecord(line, default(NoShape));
            }

            _shape.BeginRecord();
            if (!ReadRecord(line, new RecordShape(_shape)))
            {
                return false;
            }

            _shape.CommitRecord();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A string escape naming half a surrogate pair ("\ud800") passes the reader but cannot be unescaped
            // (reading a configured value or path, or any name when shapes are recorded): not I-JSON (RFC 7493),
            // so the record is malformed rather than the connection failed.
            return false;
        }
    }

    /// <summary>
    /// One flat pass over the tokens, the same shape as a bare reader loop: the trie node of each open
    /// container is kept on an explicit stack (null inside containers no configured path enters), so
    /// unconfigured values cost a token read and nothing else.
    /// </summary>
    private bool ReadRecord<TShape>(ReadOnlySpan<byte> line, TShape shape)
        where TShape : struct, IShapeHooks
    {
        var reader = new Utf8JsonReader(line, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var stack = _stack;
        var depth = 0;
        FieldNode? node = _root;
        FieldNode? pending = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    shape.Property(ref reader);
                    pending = node is null ? null : Match(ref reader, node);
                    break;

                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    // Depth is bounded by the reader's MaxDepth, which the stack is sized for.
                    stack[depth++] = node;
                    shape.Start(reader.TokenType == JsonTokenType.StartArray);
                    if (pending is not null)
                    {
                        Claim(pending, out _, out var wantNumber);
                        MarkNotNumeric(wantNumber, pending.NumberBit);
                    }

                    node = pending is not null && reader.TokenType == JsonTokenType.StartObject && pending.Names.Length > 0 ? pending : null;
                    pending = null;
                    break;

                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    if (depth == 0)
                    {
                        // The record's object is closed; anything after it but whitespace makes the reader
                        // throw, and the end of the line ends the loop.
                        return !reader.Read();
                    }

                    node = stack[--depth];
                    shape.End();
                    break;

                default:
                    shape.Scalar(reader.TokenType);
                    if (pending is not null)
                    {
                        ReadScalar(ref reader, pending);
                        pending = null;
                    }

                    break;
            }
        }

        return false;
    }

    private static FieldNode? Match(ref Utf8JsonReader reader, FieldNode node)
    {
        var names = node.Names;
        if (names.Length == 0)
        {
            return null;
        }

        if (!reader.ValueIsEscaped)
        {
            var name = reader.ValueSpan;
            for (var i = 0; i < names.Length; i++)
            {
                if (name.SequenceEqual(names[i]))
                {
                    return node.Children[i];
                }
            }

            return null;
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (reader.ValueTextEquals(names[i]))
            {
                return node.Children[i];
            }
        }

        return null;
    }

    /// <summary>Marks the node's fields as seen; only the first occurrence of a duplicated property counts.</summary>
    private void Claim(FieldNode node, out bool wantKey, out bool wantNumber)
    {
        wantKey = (node.KeyBit & ~_keysSeen) != 0;
        wantNumber = (node.NumberBit & ~_numbersSeen) != 0;
        _keysSeen |= node.KeyBit;
        _numbersSeen |= node.NumberBit;
    }

    private void ReadScalar(ref Utf8JsonReader reader, FieldNode node)
    {
        if (node.IsTime && !_timeSeen)
        {
            ReadTime(ref reader);
        }

        Claim(node, out var wantKey, out var wantNumber);
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                MarkNotNumeric(wantNumber, node.NumberBit);
                if (wantKey)
                {
                    HashString(ref reader, node.KeyIndex, node.KeyBit);
                }

                break;

            case JsonTokenType.Number:
                if (wantKey)
                {
                    SetKey(reader.ValueSpan, node.KeyIndex, node.KeyBit);
                }

                if (wantNumber)
                {
                    _numbersPresent |= node.NumberBit;
                    if (FastDouble.TryParse(reader.ValueSpan, out var value))
                    {
                        _numbers[node.NumberIndex] = value;
                    }
                    else
                    {
                        _numbersNotNumeric |= node.NumberBit;
                    }
                }

                break;

            case JsonTokenType.True:
            case JsonTokenType.False:
                MarkNotNumeric(wantNumber, node.NumberBit);
                if (wantKey)
                {
                    SetKey(reader.ValueSpan, node.KeyIndex, node.KeyBit);
                }

                break;

            default:
                // null: the field counts as absent.
                break;
        }
    }

    private void MarkNotNumeric(bool wantNumber, ulong numberBit)
    {
        if (wantNumber)
        {
            _numbersPresent |= numberBit;
            _numbersNotNumeric |= numberBit;
        }
    }

    private void HashString(ref Utf8JsonReader reader, int keyIndex, ulong keyBit)
    {
        if (!reader.ValueIsEscaped)
        {
            SetKey(reader.ValueSpan, keyIndex, keyBit);
        }
        else
        {
            // Unescaping never makes a string longer than its escaped form.
            var escapedLength = reader.ValueSpan.Length;
            var scratch = escapedLength <= StackUnescapeBytes ? stackalloc byte[StackUnescapeBytes] : UnescapeBuffer(escapedLength);
            var length = reader.CopyString(scratch);
            SetKey(scratch[..length], keyIndex, keyBit);
        }
    }

    /// <summary>Hashes a key value and keeps the start of its text for display, cut between characters.</summary>
    private void SetKey(ReadOnlySpan<byte> value, int keyIndex, ulong keyBit)
    {
        _keyHashes[keyIndex] = KeyHash.Of128(value);
        var kept = Math.Min(value.Length, RecordView.MaxKeyTextBytes);
        if (kept < value.Length)
        {
            // The value is valid UTF-8: back off while the first byte left out continues a character.
            while (kept > 0 && (value[kept] & 0xC0) == 0x80)
            {
                kept--;
            }
        }

        value[..kept].CopyTo(_keyText.AsSpan(keyIndex * RecordView.MaxKeyTextBytes, kept));
        _keyTextLengths[keyIndex] = (byte)kept;
        _keysPresent |= keyBit;
    }

    private void ReadTime(ref Utf8JsonReader reader)
    {
        _timeSeen = true;
        bool ok;
        long ms;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                ok = EventTimeParser.TryParse(reader.ValueSpan, isString: false, _timeFormat, out ms);
                break;
            case JsonTokenType.String when !reader.ValueIsEscaped:
                ok = EventTimeParser.TryParse(reader.ValueSpan, isString: true, _timeFormat, out ms);
                break;
            case JsonTokenType.String:
                var escapedLength = reader.ValueSpan.Length;
                var scratch = escapedLength <= StackUnescapeBytes ? stackalloc byte[StackUnescapeBytes] : UnescapeBuffer(escapedLength);
                var length = reader.CopyString(scratch);
                ok = EventTimeParser.TryParse(scratch[..length], isString: true, _timeFormat, out ms);
                break;
            default:
                ok = false;
                ms = 0;
                break;
        }

        if (ok)
        {
            _time = EventTimeState.Present;
            _timeMs = ms;
        }
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
