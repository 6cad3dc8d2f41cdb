using System.Text.Json;
using System.Text.Unicode;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// Reads the configured fields of one NDJSON record in place. The whole line is read so that malformed
/// JSON anywhere in it is detected, but only the configured paths are looked at: property names are
/// compared as raw UTF-8 against the <see cref="FieldTrie"/>, key values are hashed from their bytes and
/// numbers are read as doubles. One instance per connection (it holds the output of the last record);
/// nothing is allocated per record unless the record is malformed.
/// </summary>
internal sealed class NdJsonFieldExtractor
{
    /// <summary>The reader's nesting limit; deeper records are malformed.</summary>
    internal const int MaxDepth = 64;

    // Built once: no trailing commas, one value per input.

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    private const int StackUnescapeBytes = 256;

    private readonly FieldNode _root;
    private readonly ulong[] _keyHashes;
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

    /// <param name="fields">The stream's configured fields.</param>
    /// <param name="shape">When set, every successfully extracted record's shape is recorded into it.</param>
    public NdJsonFieldExtractor(FieldTrie fields, ShapeRecorder? shape = null)
    {
        _shape = shape;
        _root = fields.Root;
        _keyHashes = new ulong[fields.KeyCount];
        _numbers = new double[fields.NumberCount];
    }

    /// <summary>The recorder of this connection's record shapes, or null when the stream does not observe them.</summary>
    public ShapeRecorder? Shape => _shape;

    /// <summary>The fields of the record last extracted successfully.</summary>
    public RecordView View(int bytes) =>
        new(bytes, _keyHashes, _keysPresent, _numbers, _numbersPresent, _numbersNotNumeric);

    /// <summary>Extracts the fields of one record (the line without its '\n'; a trailing '\r' is allowed).</summary>
    public bool TryExtract(ReadOnlySpan<byte> line, out RecordError error)
    {
        _keysPresent = 0;
        _keysSeen = 0;
        _numbersPresent = 0;
        _numbersSeen = 0;
        _numbersNotNumeric = 0;

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
                    _keyHashes[node.KeyIndex] = KeyHash.Of(reader.ValueSpan);
                    _keysPresent |= node.KeyBit;
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
                    _keyHashes[node.KeyIndex] = KeyHash.Of(reader.ValueSpan);
                    _keysPresent |= node.KeyBit;
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
            _keyHashes[keyIndex] = KeyHash.Of(reader.ValueSpan);
        }
        else
        {
            // Unescaping never makes a string longer than its escaped form.
            var escapedLength = reader.ValueSpan.Length;
            var scratch = escapedLength <= StackUnescapeBytes ? stackalloc byte[StackUnescapeBytes] : UnescapeBuffer(escapedLength);
            var length = reader.CopyString(scratch);
            _keyHashes[keyIndex] = KeyHash.Of(scratch[..length]);
        }

        _keysPresent |= keyBit;
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
