using System.Text.Json;

namespace ShadowAgent.ClosedLoop.SystemUnderTest;

/// <summary>
/// What the aggregator's decisions API (<c>GET /api/v1/decisions</c>) says about a run: the scale-ups and
/// scale-downs it decided and sent, and when, with the rules that fired. Read leniently (property names in any
/// case, unknown fields ignored) so the benchmark keeps working while the API grows.
/// </summary>
internal sealed record DecisionSummary(int Ups, int Downs, int Sent, List<DecisionPoint> Actions)
{
    public static DecisionSummary Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var actions = new List<DecisionPoint>();
        if (Find(doc.RootElement, "decisions") is not { ValueKind: JsonValueKind.Array } list)
        {
            return new DecisionSummary(0, 0, 0, actions);
        }

        foreach (var d in list.EnumerateArray())
        {
            var action = Find(d, "action")?.GetString() ?? "";
            if (action is not ("up" or "down"))
            {
                continue;
            }

            var command = Find(d, "command");
            var sent = command is { ValueKind: JsonValueKind.Object } c && Find(c, "sent") is { ValueKind: JsonValueKind.True };
            var status = command is { ValueKind: JsonValueKind.Object } c2 ? Find(c2, "status") is { ValueKind: JsonValueKind.String } s ? s.GetString() : null : null;
            var rules = Find(d, "triggers") is { ValueKind: JsonValueKind.Array } triggers
                ? string.Join(',', triggers.EnumerateArray().Select(t => Find(t, "rule")?.GetString()).Where(r => r is not null))
                : "";
            actions.Add(new DecisionPoint(
                Find(d, "decidedMs")?.GetInt64() ?? 0, action, Find(d, "fromCpuCores")?.GetDouble() ?? 0, Find(d, "toCpuCores")?.GetDouble() ?? 0,
                sent, status, rules));
        }

        actions.Sort((a, b) => a.DecidedMs.CompareTo(b.DecidedMs));
        return new DecisionSummary(actions.Count(a => a.Action == "up"), actions.Count(a => a.Action == "down"), actions.Count(a => a.Sent), actions);
    }

    private static JsonElement? Find(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var p in element.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }
}

/// <summary>One scale-up or scale-down the orchestrator decided.</summary>
internal sealed record DecisionPoint(long DecidedMs, string Action, double FromCpuCores, double ToCpuCores, bool Sent, string? Status, string Rules);
