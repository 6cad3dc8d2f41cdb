using System.Globalization;
using ShadowAgent.Aggregator.Feed;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>Prints stored profiles of the demo as a live table, one row per window.</summary>
internal sealed class ProfilePrinter(DemoOptions options, DateTimeOffset workloadStart)
{
    public const string Header =
        "  window (UTC)  day   records    rate/s   errors  dropped  latency ms p50    p99   users   top route (share)          period  cpu used/limit  anomaly";

    private double? _coresUsed;
    private double? _coresLimit;

    public DemoOptions Options { get; } = options;

    /// <summary>Keeps the checkout cgroup's newest probe window (mean cores used and limit) for the next row.</summary>
    public void ObserveResource(StoredProfile stored)
    {
        foreach (var n in stored.Profile.Numeric)
        {
            if (n.Count > 0 && n.Field == "cpu.cores_used")
            {
                _coresUsed = n.Mean;
            }
            else if (n.Count > 0 && n.Field == "cpu.limit_cores")
            {
                _coresLimit = n.Mean;
            }
        }
    }

    private static string DriftText(SchemaDriftKind kind) => kind switch
    {
        SchemaDriftKind.Appeared => "new field",
        SchemaDriftKind.Disappeared => "field gone",
        SchemaDriftKind.TypeChanged => "type changed",
        _ => "share changed",
    };

    public void Print(StoredProfile stored)
    {
        var p = stored.Profile;
        var start = DateTimeOffset.FromUnixTimeMilliseconds(p.WindowStartUnixMs);
        var elapsed = (start - workloadStart).TotalSeconds;
        var hour = Options.Workload.HourAt(Math.Max(0, elapsed));
        var latency = p.Numeric.FirstOrDefault(n => n.Field == "latency_ms");
        var users = p.Keys.FirstOrDefault(k => k.Field == "user.id");
        var routes = p.Keys.FirstOrDefault(k => k.Field == "route");
        var top = routes?.Top.FirstOrDefault();
        var topText = top is null || p.Volume.Parsed == 0 ? "-" : $"{(top.Value.Length > 0 ? top.Value : "#" + top.Item.ToString("x", CultureInfo.InvariantCulture))} ({top.Estimate / Math.Max(1, routes!.Present):P0})";
        var volume = p.Spectral.FirstOrDefault(s => s.Series == "volume");
        // A period is only credible when at least two cycles fit in the analysed series.
        var cycle = volume?.Peaks.FirstOrDefault(k => k.PeriodSeconds <= volume.Length * volume.IntervalSeconds / 2);
        var period = volume is { Flat: false } && cycle is not null ? $"{cycle.PeriodSeconds:F0}s" : "-";
        var drift = p.Schema is { Drift.Count: > 0 } schema ? "  schema: " + string.Join(", ", schema.Drift.Select(d => $"{DriftText(d.Kind)} {d.Path}")) : "";
        var v = p.Volume;
        var errors = v.Malformed + v.InvalidUtf8 + v.Oversize;
        var end = (DateTimeOffset.FromUnixTimeMilliseconds(p.WindowEndUnixMs) - workloadStart).TotalSeconds;
        var incident = elapsed < Options.Workload.IncidentAtSeconds + Options.Workload.IncidentSeconds && end > Options.Workload.IncidentAtSeconds;
        var anomaly = p.Anomaly is null ? "      -" : p.Anomaly.Severity == Severity.None
            ? string.Create(CultureInfo.InvariantCulture, $"{p.Anomaly.Score,7:F2}")
            : string.Create(CultureInfo.InvariantCulture, $"{p.Anomaly.Score,7:F2} {p.Anomaly.Severity.ToString().ToUpperInvariant()}{(p.Anomaly.Alarm ? " ALARM" : "")} ({string.Join(", ", p.Anomaly.Contributors.Select(c => c.Feature).Distinct().Take(3))})");
        var cpu = _coresUsed is { } used ? string.Create(CultureInfo.InvariantCulture, $"{used:F2}/{(_coresLimit is { } limit ? limit.ToString("F2", CultureInfo.InvariantCulture) : "-")}") : "-";
        var marker = (p.Partial ? "  (partial window)" : incident ? "  << incident" : "") + drift;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {start:HH:mm:ss}    {(int)hour:D2}:{(int)(hour % 1 * 60):D2} {v.Records,9:N0} {v.RatePerSecond,9:N0} {errors,8:N0} {v.DroppedRecords,8:N0} {latency?.P50 ?? 0,14:F1} {latency?.P99 ?? 0,6:F1} {users?.Distinct ?? 0,7:N0}   {topText,-26} {period,6}  {cpu,14} {anomaly}{marker}"));
    }
}
