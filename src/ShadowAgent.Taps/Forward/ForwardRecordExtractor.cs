using System.Buffers;
using System.Globalization;
using System.Text.Unicode;
using MessagePack;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Forward;

/// <summary>
/// Reads the configured fields of one forward-protocol record (a MessagePack map) with <see cref="MessagePackReader"/>,
/// walking the same <see cref="FieldTrie"/> as the NDJSON extractor so the two taps give the same
/// <see cref="RecordView"/> for the same record: string values are hashed from their UTF-8 bytes, numbers from their
/// shortest decimal text (what the JSON literal would be), booleans from "true"/"false"; nil is absent; the first
/// occurrence of a duplicated key counts. Event time is the record's configured field when it has a readable one,
/// else the entry's own time. One instance per connection; values must have passed <see cref="MsgPackScanner"/>.
/// </summary>
internal sealed class ForwardRecordExtractor
{
    private readonly FieldNode _root;
    private readonly bool _hasTime;
    private readonly EventTimeFormat _timeFormat;
    private readonly KeyHash128[] _keyHashes;
    private readonly byte[] _keyText;
    private readonly byte[] _keyTextLengths;
    private readonly double[] _numbers;
    private readonly ulong _allKeys;
    private readonly ulong _allNumbers;
    private byte[] _scratch = new byte[256];
    private ulong _keysPresent;
    private ulong _keysSeen;
    private ulong _numbersPresent;
    private ulong _numbersSeen;
    private ulong _numbersNotNumeric;
    private bool _timeSeen;
    private EventTimeState _time;
    private long _timeMs;

    public ForwardRecordExtractor(FieldTrie fields)
    {
        _root = fields.Root;
        _hasTime = fields.HasTime;
        _timeFormat = fields.TimeFormat;
        _keyHashes = new KeyHash128[fields.KeyCount];
        _keyText = new byte[fields.KeyCount * RecordView.MaxKeyTextBytes];
        _keyTextLengths = new byte[fields.KeyCount];
        _numbers = new double[fields.NumberCount];
        _allKeys = fields.KeyCount == 64 ? ulong.MaxValue : (1UL << fields.KeyCount) - 1;
        _allNumbers = fields.NumberCount == 64 ? ulong.MaxValue : (1UL << fields.NumberCount) - 1;
    }

    /// <summary>Every configured field has been met: the rest of the record cannot change the view.</summary>
    private bool AllSeen => (_keysSeen & _allKeys) == _allKeys && (_numbersSeen & _allNumbers) == _allNumbers && (!_hasTime || _timeSeen);

    public RecordView View(int bytes) =>
        new(bytes, _keyHashes, _keysPresent, _numbers, _numbersPresent, _numbersNotNumeric, _keyText, _keyTextLengths, _time, _timeMs);

    /// <summary>
    /// Reads one record map; false when it is not a map or a configured string value is not UTF-8. Reading stops once
    /// every configured field was met, so the reader's position afterwards is undefined: callers know the entry's
    /// length from the scan and advance by it.
    /// </summary>
    /// <param name="entryTimeMs">The entry's time in Unix milliseconds, or null when it had none readable.</param>
    public bool TryExtract(ref MessagePackReader reader, long? entryTimeMs, out RecordError error)
    {
        _keysPresent = 0;
        _keysSeen = 0;
        _numbersPresent = 0;
        _numbersSeen = 0;
        _numbersNotNumeric = 0;
        _timeSeen = false;
        _time = _hasTime ? EventTimeState.Missing : EventTimeState.NotConfigured;
        _keyTextLengths.AsSpan().Clear();
        error = RecordError.Malformed;
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            reader.Skip();
            return false;
        }

        if (!AllSeen && !ReadMap(ref reader, _root, out error))
        {
            return false;
        }

        if (_hasTime && _time != EventTimeState.Present && entryTimeMs is { } ms)
        {
            _time = EventTimeState.Present;
            _timeMs = ms;
        }

        return true;
    }

    private bool ReadMap(ref MessagePackReader reader, FieldNode? node, out RecordError error)
    {
        error = RecordError.Malformed;
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            FieldNode? child = null;
            if (reader.NextMessagePackType == MessagePackType.String)
            {
                // Names are compared as bytes with the configured ones, which are valid UTF-8.
                var name = ReadString(ref reader);
                child = node is null ? null : Match(node, name);
            }
            else
            {
                reader.Skip();
            }

            if (child is null)
            {
                reader.Skip();
            }
            else if (!ReadValue(ref reader, child, out error))
            {
                return false;
            }
            else if (AllSeen)
            {
                return true;
            }
        }

        return true;
    }

    private bool ReadValue(ref MessagePackReader reader, FieldNode node, out RecordError error)
    {
        error = default;
        var wantKey = (node.KeyBit & ~_keysSeen) != 0;
        var wantNumber = (node.NumberBit & ~_numbersSeen) != 0;
        var isTime = node.IsTime && !_timeSeen;
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.Skip();
                return true;

            case MessagePackType.Map:
                Claim(node);
                MarkNotNumeric(wantNumber, node.NumberBit);
                return node.Names.Length > 0 ? ReadMap(ref reader, node, out error) : Skip(ref reader);

            case MessagePackType.String:
            case MessagePackType.Binary:
            {
                Claim(node);
                MarkNotNumeric(wantNumber, node.NumberBit);
                var value = ReadString(ref reader);
                if (!Utf8.IsValid(value))
                {
                    error = RecordError.InvalidUtf8;
                    return false;
                }

                if (wantKey)
                {
                    SetKey(value, node.KeyIndex, node.KeyBit);
                }

                if (isTime)
                {
                    ReadTime(value, isString: true);
                }

                return true;
            }

            case MessagePackType.Integer:
            case MessagePackType.Float:
            {
                Claim(node);
                double number;
                Span<byte> text = stackalloc byte[32];
                var written = 0;

                // The decimal text (what the JSON literal would be) only when a key or the time needs it: formatting
                // a double costs more than reading the whole record.
                var needText = wantKey || isTime;
                if (reader.NextMessagePackType == MessagePackType.Float)
                {
                    number = reader.ReadDouble();
                    if (!double.IsFinite(number) || (needText && !number.TryFormat(text, out written, "R", CultureInfo.InvariantCulture)))
                    {
                        MarkNotNumeric(wantNumber, node.NumberBit);
                        return true;
                    }
                }
                else if (reader.NextCode == MessagePackCode.UInt64)
                {
                    var unsigned = reader.ReadUInt64();
                    number = unsigned;
                    if (needText)
                    {
                        unsigned.TryFormat(text, out written, default, CultureInfo.InvariantCulture);
                    }
                }
                else
                {
                    var signed = reader.ReadInt64();
                    number = signed;
                    if (needText)
                    {
                        signed.TryFormat(text, out written, default, CultureInfo.InvariantCulture);
                    }
                }

                if (wantKey)
                {
                    SetKey(text[..written], node.KeyIndex, node.KeyBit);
                }

                if (wantNumber)
                {
                    _numbersPresent |= node.NumberBit;
                    _numbers[node.NumberIndex] = number;
                }

                if (isTime)
                {
                    ReadTime(text[..written], isString: false);
                }

                return true;
            }

            case MessagePackType.Boolean:
            {
                Claim(node);
                MarkNotNumeric(wantNumber, node.NumberBit);
                var value = reader.ReadBoolean();
                if (wantKey)
                {
                    SetKey(value ? "true"u8 : "false"u8, node.KeyIndex, node.KeyBit);
                }

                return true;
            }

            default:
                // Arrays and extensions: present, but neither a key nor a number.
                Claim(node);
                MarkNotNumeric(wantNumber, node.NumberBit);
                return Skip(ref reader);
        }
    }

    private static bool Skip(ref MessagePackReader reader)
    {
        reader.Skip();
        return true;
    }

    private static FieldNode? Match(FieldNode node, ReadOnlySpan<byte> name)
    {
        var names = node.Names;
        for (var i = 0; i < names.Length; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return node.Children[i];
            }
        }

        return null;
    }

    private void Claim(FieldNode node)
    {
        _keysSeen |= node.KeyBit;
        _numbersSeen |= node.NumberBit;
    }

    private void MarkNotNumeric(bool wantNumber, ulong bit)
    {
        if (wantNumber)
        {
            _numbersPresent |= bit;
            _numbersNotNumeric |= bit;
        }
    }

    /// <summary>A str or bin value's bytes, in place when they lie in one segment, else copied to scratch.</summary>
    private ReadOnlySpan<byte> ReadString(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType == MessagePackType.String && reader.TryReadStringSpan(out var span))
        {
            return span;
        }

        var sequence = reader.NextMessagePackType == MessagePackType.String ? reader.ReadStringSequence() : reader.ReadBytes();
        if (sequence is not { } bytes)
        {
            return default;
        }

        if (bytes.IsSingleSegment)
        {
            return bytes.FirstSpan;
        }

        if (_scratch.Length < bytes.Length)
        {
            _scratch = new byte[Math.Max((int)bytes.Length, _scratch.Length * 2)];
        }

        bytes.CopyTo(_scratch);
        return _scratch.AsSpan(0, (int)bytes.Length);
    }

    private void ReadTime(ReadOnlySpan<byte> raw, bool isString)
    {
        _timeSeen = true;
        if (EventTimeParser.TryParse(raw, isString, _timeFormat, out var ms))
        {
            _time = EventTimeState.Present;
            _timeMs = ms;
        }
    }

    private void SetKey(ReadOnlySpan<byte> value, int index, ulong bit)
    {
        _keyHashes[index] = KeyHash.Of128(value);
        var kept = Math.Min(value.Length, RecordView.MaxKeyTextBytes);
        while (kept < value.Length && kept > 0 && (value[kept] & 0xC0) == 0x80)
        {
            kept--;
        }

        value[..kept].CopyTo(_keyText.AsSpan(index * RecordView.MaxKeyTextBytes, kept));
        _keyTextLengths[index] = (byte)kept;
        _keysPresent |= bit;
    }
}
