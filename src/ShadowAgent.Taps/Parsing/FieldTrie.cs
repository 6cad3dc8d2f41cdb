using ShadowAgent.Core.Streams;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// The configured key and numeric field paths of a stream, merged into one tree of property names so a
/// parser walks each record once and compares names with raw UTF-8 bytes. Immutable; shared by every
/// connection of the stream.
/// </summary>
internal sealed class FieldTrie
{
    private FieldTrie(FieldNode root, int keyCount, int numberCount, bool hasTime, EventTimeFormat timeFormat)
    {
        Root = root;
        KeyCount = keyCount;
        NumberCount = numberCount;
        HasTime = hasTime;
        TimeFormat = timeFormat;
    }

    public FieldNode Root { get; }

    public int KeyCount { get; }

    public int NumberCount { get; }

    /// <summary>The stream reads each record's event time from a field.</summary>
    public bool HasTime { get; }

    public EventTimeFormat TimeFormat { get; }

    public static FieldTrie Compile(StreamOptions stream) =>
        Compile(stream.KeyFields, stream.NumericFields, stream.EventTime.Enabled ? stream.EventTime.Field : null, stream.EventTime.Format);

    public static FieldTrie Compile(
        IReadOnlyList<string> keyFields,
        IReadOnlyList<string> numericFields,
        string? timeField = null,
        EventTimeFormat timeFormat = EventTimeFormat.Auto)
    {
        // The record view carries presence as 64-bit masks.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyFields.Count, StreamOptionsValidator.MaxFieldsPerKind);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numericFields.Count, StreamOptionsValidator.MaxFieldsPerKind);

        var root = new Builder();
        for (var i = 0; i < keyFields.Count; i++)
        {
            root.Walk(FieldPath.Parse(keyFields[i])).KeyIndex = i;
        }

        for (var i = 0; i < numericFields.Count; i++)
        {
            root.Walk(FieldPath.Parse(numericFields[i])).NumberIndex = i;
        }

        if (timeField is not null)
        {
            root.Walk(FieldPath.Parse(timeField)).IsTime = true;
        }

        return new FieldTrie(root.Freeze(), keyFields.Count, numericFields.Count, timeField is not null, timeFormat);
    }

    private sealed class Builder
    {
        private readonly List<(byte[] Name, Builder Child)> _children = [];

        public int KeyIndex { get; set; } = -1;

        public int NumberIndex { get; set; } = -1;

        public bool IsTime { get; set; }

        public Builder Walk(FieldPath path)
        {
            var node = this;
            foreach (var segment in path.Segments)
            {
                node = node.Child(segment);
            }

            return node;
        }

        public FieldNode Freeze()
        {
            var names = new byte[_children.Count][];
            var children = new FieldNode[_children.Count];
            for (var i = 0; i < _children.Count; i++)
            {
                names[i] = _children[i].Name;
                children[i] = _children[i].Child.Freeze();
            }

            return new FieldNode(names, children, KeyIndex, NumberIndex, IsTime);
        }

        private Builder Child(byte[] name)
        {
            foreach (var (n, c) in _children)
            {
                if (n.AsSpan().SequenceEqual(name))
                {
                    return c;
                }
            }

            var child = new Builder();
            _children.Add((name, child));
            return child;
        }
    }
}

/// <summary>One property name level of a <see cref="FieldTrie"/>.</summary>
internal sealed class FieldNode
{
    public FieldNode(byte[][] names, FieldNode[] children, int keyIndex, int numberIndex, bool isTime = false)
    {
        IsTime = isTime;
        Names = names;
        Children = children;
        KeyIndex = keyIndex;
        NumberIndex = numberIndex;
        KeyBit = keyIndex >= 0 ? 1UL << keyIndex : 0;
        NumberBit = numberIndex >= 0 ? 1UL << numberIndex : 0;
    }

    /// <summary>UTF-8 property names of the children, parallel to <see cref="Children"/>.</summary>
    public byte[][] Names { get; }

    public FieldNode[] Children { get; }

    /// <summary>Index of the key field ending here, or -1.</summary>
    public int KeyIndex { get; }

    /// <summary>Index of the numeric field ending here, or -1.</summary>
    public int NumberIndex { get; }

    /// <summary>Presence bit of the key field ending here, or 0.</summary>
    public ulong KeyBit { get; }

    /// <summary>Presence bit of the numeric field ending here, or 0.</summary>
    public ulong NumberBit { get; }

    /// <summary>The event-time field ends here.</summary>
    public bool IsTime { get; }
}
