using System.Globalization;

namespace ShadowAgent.Agent.Actuation;

/// <summary>One cgroup v2 io.max line: "MAJ:MIN" and any of rbps, wbps, riops, wiops as a number or "max".</summary>
internal sealed record IoMaxLine(string Device, IReadOnlyList<(string Key, string Value)> Limits)
{
    private static readonly string[] Keys = ["rbps", "wbps", "riops", "wiops"];

    public static bool TryParse(string text, out IoMaxLine line, out string why)
    {
        line = new IoMaxLine("", []);
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var dev = parts.Length > 0 ? parts[0].Split(':') : [];
        if (dev.Length != 2 || !uint.TryParse(dev[0], NumberStyles.None, CultureInfo.InvariantCulture, out _) || !uint.TryParse(dev[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            why = "must start with a device as MAJ:MIN";
            return false;
        }

        var limits = new List<(string, string)>();
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq > 0 ? part[..eq] : "";
            var value = eq > 0 ? part[(eq + 1)..] : "";
            if (!Keys.Contains(key) || (value != "max" && !ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                why = $"'{part}' is not rbps=, wbps=, riops= or wiops= with a number or max";
                return false;
            }

            limits.Add((key, value));
        }

        if (limits.Count == 0)
        {
            why = "names no limit";
            return false;
        }

        line = new IoMaxLine(parts[0], limits);
        why = "";
        return true;
    }

    public override string ToString() => $"{Device} {string.Join(' ', Limits.Select(l => $"{l.Key}={l.Value}"))}";
}
