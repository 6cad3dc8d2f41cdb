using System.Text;

namespace ShadowAgent.Core.Streams;

/// <summary>
/// A dotted path into nested JSON objects, for example <c>user.id</c>: the property <c>id</c> of the object
/// in property <c>user</c>. A segment may not be empty; a literal dot in a property name is written <c>\.</c>.
/// Segments are kept as UTF-8 so parsers compare them with raw bytes.
/// </summary>
public sealed class FieldPath
{
    public const int MaxDepth = 16;

    private FieldPath(string text, byte[][] segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    /// <summary>The path's property names as UTF-8, outermost first.</summary>
    public IReadOnlyList<byte[]> Segments { get; }

    public static FieldPath Parse(string text) =>
        TryParse(text, out var path, out var why) ? path : throw new FormatException($"'{text}' is not a field path: {why}");

    public static bool TryParse(string? text, out FieldPath path, out string why)
    {
        path = null!;
        if (string.IsNullOrEmpty(text))
        {
            why = "it is empty.";
            return false;
        }

        var segments = new List<byte[]>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] == '.')
            {
                current.Append('.');
                i++;
            }
            else if (c == '.')
            {
                if (current.Length == 0)
                {
                    why = "it has an empty segment.";
                    return false;
                }

                segments.Add(Encoding.UTF8.GetBytes(current.ToString()));
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length == 0)
        {
            why = "it has an empty segment.";
            return false;
        }

        segments.Add(Encoding.UTF8.GetBytes(current.ToString()));
        if (segments.Count > MaxDepth)
        {
            why = $"it is deeper than {MaxDepth} segments.";
            return false;
        }

        path = new FieldPath(text, segments.ToArray());
        why = "";
        return true;
    }

    public override string ToString() => Text;
}
