using System.Text.Json;

namespace ShadowAgent.Mirror.Diff;

/// <summary>
/// A JSON value read with <see cref="Utf8JsonReader"/> into the least a structural comparison needs: object members
/// sorted by name (so key order does not matter) with ignored names left out at any depth, array items in order,
/// scalars as text. Built off the primary path, from a body no larger than the plan's cap.
/// </summary>
internal sealed class JsonTree
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private JsonTree(JsonTokenType kind) => Kind = kind;

    public JsonTokenType Kind { get; }

    /// <summary>A string's unescaped value, or a number's literal text.</summary>
    public string? Text { get; private init; }

    public double Number { get; private init; }

    public List<KeyValuePair<string, JsonTree>>? Members { get; private init; }

    public List<JsonTree>? Items { get; private init; }

    /// <summary>Reads one complete JSON document; null when <paramref name="utf8"/> is not one.</summary>
    public static JsonTree? TryParse(ReadOnlySpan<byte> utf8, IReadOnlySet<string> ignore)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                return null;
            }

            var root = Read(ref reader, ignore);
            return reader.Read() ? null : root;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static JsonTree Read(ref Utf8JsonReader reader, IReadOnlySet<string> ignore)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var members = new List<KeyValuePair<string, JsonTree>>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    if (ignore.Contains(name))
                    {
                        reader.Skip();
                        continue;
                    }

                    members.Add(new(name, Read(ref reader, ignore)));
                }

                members.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                return new JsonTree(JsonTokenType.StartObject) { Members = members };
            case JsonTokenType.StartArray:
                var items = new List<JsonTree>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(Read(ref reader, ignore));
                }

                return new JsonTree(JsonTokenType.StartArray) { Items = items };
            case JsonTokenType.String:
                return new JsonTree(JsonTokenType.String) { Text = reader.GetString() };
            case JsonTokenType.Number:
                // 1.0 and 1 are the same number; a literal a double cannot hold compares by its text.
                return new JsonTree(JsonTokenType.Number)
                {
                    Text = System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
                    Number = reader.TryGetDouble(out var d) ? d : double.NaN,
                };
            default:
                return new JsonTree(reader.TokenType);
        }
    }

    /// <summary>
    /// The path of the first difference between two trees ("$.items[].price": array positions are left out so the
    /// same field in every item counts as one), or null when they are equal. Members compare in name order.
    /// </summary>
    public static string? FirstDifference(JsonTree a, JsonTree b) => Compare(a, b, "$");

    private static string? Compare(JsonTree a, JsonTree b, string path)
    {
        if (a.Kind != b.Kind)
        {
            return path;
        }

        switch (a.Kind)
        {
            case JsonTokenType.StartObject:
                var am = a.Members!;
                var bm = b.Members!;
                int i = 0, j = 0;
                while (i < am.Count || j < bm.Count)
                {
                    var order = i == am.Count ? 1 : j == bm.Count ? -1 : string.CompareOrdinal(am[i].Key, bm[j].Key);
                    if (order != 0)
                    {
                        return path + "." + (order < 0 ? am[i].Key : bm[j].Key);
                    }

                    var inner = Compare(am[i].Value, bm[j].Value, path + "." + am[i].Key);
                    if (inner is not null)
                    {
                        return inner;
                    }

                    i++;
                    j++;
                }

                return null;
            case JsonTokenType.StartArray:
                var ai = a.Items!;
                var bi = b.Items!;
                for (var k = 0; k < Math.Min(ai.Count, bi.Count); k++)
                {
                    var inner = Compare(ai[k], bi[k], path + "[]");
                    if (inner is not null)
                    {
                        return inner;
                    }
                }

                return ai.Count == bi.Count ? null : path;
            case JsonTokenType.String:
                return string.Equals(a.Text, b.Text, StringComparison.Ordinal) ? null : path;
            case JsonTokenType.Number:
                var same = double.IsFinite(a.Number) && double.IsFinite(b.Number)
                    ? a.Number == b.Number
                    : string.Equals(a.Text, b.Text, StringComparison.Ordinal);
                return same ? null : path;
            default:
                return null;
        }
    }
}
