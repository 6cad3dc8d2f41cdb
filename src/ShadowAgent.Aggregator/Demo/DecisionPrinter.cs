using System.Globalization;
using System.Text;
using ShadowAgent.Aggregator.Orchestration;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>
/// Prints the orchestrator's resize decisions for the demo's target as they are stored: the window's time and the
/// simulated hour, the action, cores before → after, each trigger with its value and threshold, and the agent's
/// answer (APPLIED or DRY_RUN with the before → after values it reported). Reads the same rows as
/// <c>GET /api/v1/decisions</c>. A decision waits up to <see cref="ResultWait"/> for its result so the two print on
/// one line; a result that comes later gets its own line.
/// </summary>
internal sealed class DecisionPrinter(
    OrchestratorStore store, string target, WorkloadOptions workload, DateTimeOffset workloadStart, double capacityThreshold, double downscaleThreshold)
{
    private static readonly TimeSpan ResultWait = TimeSpan.FromSeconds(3);

    private readonly HashSet<long> _printed = [];
    private readonly HashSet<long> _awaitingResult = [];

    public int Decisions { get; private set; }

    public int Results { get; private set; }

    /// <summary>Polls the store until <paramref name="stop"/>, then once more.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                Poll(DateTimeOffset.UtcNow, final: false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Prints what is new; <paramref name="final"/> prints decisions still without a result as they are.</summary>
    public void Poll(DateTimeOffset now, bool final)
    {
        var rows = store.ListDecisions(target, 200);
        for (var i = rows.Count - 1; i >= 0; i--)
        {
            var d = rows[i];
            if (d.Action == "hold")
            {
                continue;
            }

            var status = d.Command?.Status;
            if (_printed.Add(d.Id))
            {
                if (status is null && !final && now - DateTimeOffset.FromUnixTimeMilliseconds(d.DecidedMs) < ResultWait)
                {
                    _printed.Remove(d.Id);
                    continue;
                }

                Decisions++;
                Console.WriteLine(Format(d));
                if (status is null)
                {
                    _awaitingResult.Add(d.Id);
                }
                else
                {
                    Results++;
                }
            }
            else if (status is not null && _awaitingResult.Remove(d.Id))
            {
                Results++;
                Console.WriteLine($"     result of {d.Command!.Id}: {ResultText(d.Command)}");
            }
        }
    }

    private string Format(DecisionInfo d)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(d.WindowEndMs);
        var hour = workload.HourAt(Math.Max(0, (at - workloadStart).TotalSeconds));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  >> {at:HH:mm:ss}    {(int)hour:D2}:{(int)(hour % 1 * 60):D2}  ");
        text.Append(CultureInfo.InvariantCulture, $"resize {d.Target}: {d.FromCpuCores:F2} → {d.ToCpuCores:F2} cores ({(d.Action == "up" ? "scale up" : "scale down")}: ");
        text.Append(string.Join("; ", d.Triggers.Select(TriggerText)));
        text.Append(") ");
        text.Append(d.Command is null ? "no command" : d.Command.Sent ? ResultText(d.Command) : "NOT SENT (agent not connected)");
        return text.ToString();
    }

    private static string ResultText(CommandInfo command)
    {
        if (command.Status is null)
        {
            return "(no answer yet)";
        }

        var status = command.Status.ToUpperInvariant();
        var before = Value(command.Before);
        var after = Value(command.After);
        var change = before is null && after is null ? "" : $" cpu_cores {before ?? "?"} → {after ?? "?"}";
        var message = command.Status is "applied" or "dry_run" || string.IsNullOrEmpty(command.Message) ? "" : $": {command.Message}";
        return status + change + message;
    }

    private static string? Value(Dictionary<string, string>? values) =>
        values is not null && values.TryGetValue("cpu_cores", out var cores)
            && double.TryParse(cores, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            ? parsed.ToString("F2", CultureInfo.InvariantCulture)
            : null;

    /// <summary>A trigger as a reader says it: "forecast 1,840 rec/s over capacity × 0.8 = 1,600".</summary>
    private string TriggerText(Trigger t) => t.Rule switch
    {
        "anomaly" => Invariant($"anomaly {t.Value:F2} ≥ {t.Limit:F2}"),
        "utilization_high" => Invariant($"cpu.util {t.Value:F2} ≥ {t.Limit:F2}"),
        "utilization_low" => Invariant($"cpu.util {t.Value:F2} < {t.Limit:F2}"),
        "throttling" => Invariant($"throttled {t.Value:P0} of periods ≥ {t.Limit:P0}"),
        "cpu_pressure" => Invariant($"cpu pressure {t.Value:F1}% ≥ {t.Limit:F1}%"),
        "shadow_degraded" => Invariant($"shadow dropped {t.Value:P1} ≥ {t.Limit:P1}"),
        "forecast_over_capacity" => Invariant($"forecast {t.Value:N0} rec/s over capacity × {capacityThreshold:G2} = {t.Limit:N0}"),
        "forecast_high_volume" => Invariant($"forecast {t.Value:N0} rec/s over {t.Threshold} {t.Limit:N0}"),
        "forecast_under_capacity" => Invariant($"forecast {t.Value:N0} rec/s under capacity × {downscaleThreshold:G2} = {t.Limit:N0}"),
        "forecast_low_volume" => Invariant($"forecast {t.Value:N0} rec/s under {t.Threshold} {t.Limit:N0}"),
        "hysteresis" => Invariant($"{t.Value:F0} low windows in a row"),
        _ => Invariant($"{t.Rule}: {t.Input} {t.Value:G4} vs {t.Threshold} {t.Limit:G4}"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
