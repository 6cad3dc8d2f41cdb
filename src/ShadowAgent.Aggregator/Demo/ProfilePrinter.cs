using System.Globalization;
using ShadowAgent.Aggregator.Feed;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>Prints stored profiles of the demo as a live table, one row per window.</summary>
internal sealed class ProfilePrinter(DemoOptions options, DateTimeOffset workloadStart)
{
    public const string Header =
        "  window (UTC)  day   records    rate/s   errors  dropped   latency ms mean    max    bytes mean";

    public DemoOptions Options { get; } = options;

    public void Print(StoredProfile stored)
    {
        var p = stored.Profile;
        var start = DateTimeOffset.FromUnixTimeMilliseconds(p.WindowStartUnixMs);
        var elapsed = (start - workloadStart).TotalSeconds;
        var hour = Options.Workload.HourAt(Math.Max(0, elapsed));
        var latency = p.Numeric.FirstOrDefault(n => n.Field == "latency_ms");
        var size = p.Numeric.FirstOrDefault(n => n.Field == "bytes");
        var v = p.Volume;
        var errors = v.Malformed + v.InvalidUtf8 + v.Oversize;
        var end = (DateTimeOffset.FromUnixTimeMilliseconds(p.WindowEndUnixMs) - workloadStart).TotalSeconds;
        var incident = elapsed < Options.Workload.IncidentAtSeconds + Options.Workload.IncidentSeconds && end > Options.Workload.IncidentAtSeconds;
        var marker = p.Partial ? "  (partial window)" : incident ? "  << incident" : "";
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {start:HH:mm:ss}    {(int)hour:D2}:{(int)(hour % 1 * 60):D2} {v.Records,9:N0} {v.RatePerSecond,9:N0} {errors,8:N0} {v.DroppedRecords,8:N0}   {latency?.Mean ?? 0,12:F1} {latency?.Max ?? 0,8:F1} {size?.Mean ?? 0,10:F0}{marker}"));
    }
}
