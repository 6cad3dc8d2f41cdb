using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// Reads a plain-text line: every valid UTF-8 line is a record (counted and sized); with a key pattern, its named
/// groups named like the stream's key fields, numeric fields and event-time field supply them. A line the pattern
/// does not match is still a record, without fields. The pattern runs with <see cref="RegexOptions.NonBacktracking"/>:
/// it comes from configuration, so it cannot be compiled ahead of time for native AOT, and without backtracking no
/// hostile line can make it slow (linear in the line's length).
/// </summary>
internal sealed class PlainLineExtractor : ILineExtractor
{
    private readonly Regex? _pattern;
    private readonly int[] _keyGroups;
    private readonly int[] _numberGroups;
    private readonly int _timeGroup;
    private readonly EventTimeFormat _timeFormat;
    private readonly KeyHash128[] _keyHashes;
    private readonly byte[] _keyText;
    private readonly byte[] _keyTextLengths;
    private readonly double[] _numbers;
    private byte[] _scratch = new byte[256];
    private ulong _keysPresent;
    private ulong _numbersPresent;
    private ulong _numbersNotNumeric;
    private EventTimeState _time;
    private long _timeMs;

    private PlainLineExtractor(Regex? pattern, IReadOnlyList<string> keyFields, IReadOnlyList<string> numericFields, string? timeField, EventTimeFormat timeFormat)
    {
        _pattern = pattern;
        _keyGroups = [.. keyFields.Select(GroupNumber)];
        _numberGroups = [.. numericFields.Select(GroupNumber)];
        _timeGroup = timeField is null ? -1 : GroupNumber(timeField);
        _timeFormat = timeFormat;
        _keyHashes = new KeyHash128[keyFields.Count];
        _keyText = new byte[keyFields.Count * RecordView.MaxKeyTextBytes];
        _keyTextLengths = new byte[keyFields.Count];
        _numbers = new double[numericFields.Count];
    }

    public static PlainLineExtractor Create(StreamOptions stream)
    {
        var source = stream.Tap.Plain.KeyPattern;
        var pattern = string.IsNullOrEmpty(source)
            ? null
            : new Regex(source, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
        return Create(pattern, stream.KeyFields, stream.NumericFields, stream.EventTime.Enabled ? stream.EventTime.Field : null, stream.EventTime.Format);
    }

    public static PlainLineExtractor Create(Regex? pattern, IReadOnlyList<string> keyFields, IReadOnlyList<string> numericFields, string? timeField = null, EventTimeFormat timeFormat = EventTimeFormat.Auto) =>
        new(pattern, keyFields, numericFields, timeField, timeFormat);

    public RecordView View(int bytes) =>
        new(bytes, _keyHashes, _keysPresent, _numbers, _numbersPresent, _numbersNotNumeric, _keyText, _keyTextLengths, _time, _timeMs);

    public bool TryExtract(ReadOnlySpan<byte> line, out RecordError error)
    {
        _keysPresent = 0;
        _numbersPresent = 0;
        _numbersNotNumeric = 0;
        _time = _timeGroup >= 0 ? EventTimeState.Missing : EventTimeState.NotConfigured;
        _keyTextLengths.AsSpan().Clear();
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (!Utf8.IsValid(line))
        {
            error = RecordError.InvalidUtf8;
            return false;
        }

        error = default;
        if (_pattern is null)
        {
            return true;
        }

        var match = _pattern.Match(Encoding.UTF8.GetString(line));
        if (!match.Success)
        {
            return true;
        }

        for (var i = 0; i < _keyGroups.Length; i++)
        {
            var group = match.Groups[_keyGroups[i]];
            if (group.Success)
            {
                SetKey(Utf8Of(group.ValueSpan), i);
            }
        }

        for (var i = 0; i < _numberGroups.Length; i++)
        {
            var group = match.Groups[_numberGroups[i]];
            if (!group.Success)
            {
                continue;
            }

            var bit = 1UL << i;
            _numbersPresent |= bit;
            if (double.TryParse(group.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                _numbers[i] = value;
            }
            else
            {
                _numbersNotNumeric |= bit;
            }
        }

        if (_timeGroup >= 0 && match.Groups[_timeGroup] is { Success: true } time
            && EventTimeParser.TryParse(Utf8Of(time.ValueSpan), isString: true, _timeFormat, out var ms))
        {
            _time = EventTimeState.Present;
            _timeMs = ms;
        }

        return true;
    }

    private int GroupNumber(string name)
    {
        var number = _pattern?.GroupNumberFromName(name) ?? -1;
        if (number < 0)
        {
            throw new InvalidOperationException($"The plain-text key pattern has no named group '{name}'.");
        }

        return number;
    }

    private ReadOnlySpan<byte> Utf8Of(ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_scratch.Length < max)
        {
            _scratch = new byte[Math.Max(max, _scratch.Length * 2)];
        }

        return _scratch.AsSpan(0, Encoding.UTF8.GetBytes(text, _scratch));
    }

    private void SetKey(ReadOnlySpan<byte> value, int index)
    {
        _keyHashes[index] = KeyHash.Of128(value);
        var kept = Math.Min(value.Length, RecordView.MaxKeyTextBytes);
        while (kept < value.Length && kept > 0 && (value[kept] & 0xC0) == 0x80)
        {
            kept--;
        }

        value[..kept].CopyTo(_keyText.AsSpan(index * RecordView.MaxKeyTextBytes, kept));
        _keyTextLengths[index] = (byte)kept;
        _keysPresent |= 1UL << index;
    }
}
