using System.Globalization;
using System.Text.Json.Nodes;

namespace ShadowAgent.ClosedLoop.SystemUnderTest;

/// <summary>
/// Configuration as JSON trees: a policy file's fragment is merged over the generated base (objects merge key by
/// key, anything else replaces), and <c>--set-agent</c>/<c>--set-aggregator</c> put one value at a colon path
/// (the .NET configuration path; a number segment indexes an array), so the policies plug into whatever keys the
/// shipped aggregator and agent read without changing this program.
/// </summary>
internal static class JsonConfig
{
    public static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
            {
                Merge(targetObject, patchObject);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>Sets <paramref name="path"/> (e.g. <c>Agent:Streams:0:Window</c>) to <paramref name="text"/>: a number or true/false when it reads as one, else a string.</summary>
    public static void Set(JsonObject root, string path, string text)
    {
        var segments = path.Split(':');
        if (segments.Any(s => s.Length == 0))
        {
            throw new ArgumentException($"'{path}' has an empty segment", nameof(path));
        }

        JsonNode node = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            var value = last ? Parse(text) : null;
            if (node is JsonArray array)
            {
                if (!int.TryParse(segments[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > array.Count)
                {
                    throw new ArgumentException($"'{path}': '{segments[i]}' is not an index of an array of {array.Count}", nameof(path));
                }

                if (index == array.Count)
                {
                    array.Add(last ? value : new JsonObject());
                }
                else if (last)
                {
                    array[index] = value;
                }

                node = array[index]!;
            }
            else if (node is JsonObject obj)
            {
                if (last)
                {
                    obj[segments[i]] = value;
                }
                else if (obj[segments[i]] is not (JsonObject or JsonArray))
                {
                    obj[segments[i]] = new JsonObject();
                }

                node = obj[segments[i]]!;
            }
            else
            {
                throw new ArgumentException($"'{path}': '{segments[i - 1]}' holds a value, not an object", nameof(path));
            }
        }
    }

    /// <summary>Splits <c>Key=Value</c>.</summary>
    public static (string Path, string Value) ParseAssignment(string text, string option)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? (text[..eq], text[(eq + 1)..]) : throw new ArgumentException($"{option}: '{text}' is not Key:Path=value");
    }

    private static JsonNode? Parse(string text) =>
        text switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "null" => null,
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !text.Contains(':', StringComparison.Ordinal) => JsonValue.Create(d),
            _ => JsonValue.Create(text),
        };
}
