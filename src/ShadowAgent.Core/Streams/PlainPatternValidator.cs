using System.Text.RegularExpressions;

namespace ShadowAgent.Core.Streams;

/// <summary>
/// Checks a plain-text stream's key pattern: it must compile (without backtracking, as the tap runs it) and name
/// a group for every key field, numeric field and the event-time field, since those are where plain lines keep them.
/// </summary>
internal static class PlainPatternValidator
{
    public static void Validate(StreamOptions s, string key, List<string> errors)
    {
        var pattern = s.Tap.Plain.KeyPattern;
        var wanted = s.KeyFields.Concat(s.NumericFields).ToList();
        if (s.EventTime.Enabled)
        {
            wanted.Add(s.EventTime.Field);
        }

        if (string.IsNullOrEmpty(pattern))
        {
            if (wanted.Count > 0)
            {
                errors.Add($"{key}: plain lines have fields only through a pattern's named groups; set one for {string.Join(", ", wanted)} or remove those fields.");
            }

            return;
        }

        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            errors.Add($"{key}: '{pattern}' is not a regular expression the tap can run without backtracking: {e.Message}");
            return;
        }
        catch (NotSupportedException e)
        {
            errors.Add($"{key}: '{pattern}' uses a construct that needs backtracking: {e.Message}");
            return;
        }

        var groups = regex.GetGroupNames().ToHashSet(StringComparer.Ordinal);
        foreach (var field in wanted)
        {
            if (!groups.Contains(field))
            {
                errors.Add($"{key}: the pattern has no named group '{field}' (a configured field); name it (?<{field}>...).");
            }
        }
    }
}
