using System.Globalization;

namespace ShadowAgent.Aggregator.Fleet;

/// <summary>The parameters of a fleet merge, validated; every error names the query parameter it is about.</summary>
internal sealed record FleetQuery(long FromMs, long ToMs, IReadOnlyList<string>? Hosts, int K, bool IncludeSketches = false)
{
    public const long DefaultRangeMs = 3_600_000;
    public const int DefaultK = 10;
    public const int MaxK = 1000;
    public const int MaxHosts = 1000;

    /// <summary>Defaults: the hour before <paramref name="nowMs"/>, every host, k = 10, no sketch bytes.</summary>
    public static bool TryParse(
        string? from, string? to, string? hosts, string? k, string? sketches, long nowMs, out FleetQuery query, out string error)
    {
        query = new FleetQuery(0, 0, null, DefaultK);
        error = "";
        var includeSketches = false;
        if (sketches is not null && !bool.TryParse(sketches, out includeSketches))
        {
            error = $"sketches '{sketches}' must be true or false";
            return false;
        }

        long? fromMs = null;
        long? toMs = null;
        if (from is not null)
        {
            if (!long.TryParse(from, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                error = $"from '{from}' must be Unix milliseconds";
                return false;
            }

            fromMs = parsed;
        }

        if (to is not null)
        {
            if (!long.TryParse(to, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                error = $"to '{to}' must be Unix milliseconds";
                return false;
            }

            toMs = parsed;
        }

        var end = toMs ?? nowMs;
        var start = fromMs ?? end - DefaultRangeMs;
        if (start >= end)
        {
            error = $"from {start} must be before to {end}";
            return false;
        }

        var count = DefaultK;
        if (k is not null && (!int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxK))
        {
            error = $"k '{k}' must be an integer from 1 to {MaxK}";
            return false;
        }

        List<string>? hostList = null;
        if (hosts is not null)
        {
            var parts = hosts.Split(',');
            if (parts.Length > MaxHosts || parts.Any(static h => h.Length == 0))
            {
                error = $"hosts '{hosts}' must be 1 to {MaxHosts} comma-separated host ids, none empty";
                return false;
            }

            hostList = parts.Distinct(StringComparer.Ordinal).ToList();
        }

        query = new FleetQuery(start, end, hostList, count, includeSketches);
        return true;
    }
}
