using System.Globalization;

namespace ShadowAgent.ClosedLoop.Run;

/// <summary>The comparison of the policies and the printed table.</summary>
internal static class Report
{
    public static Comparison? Compare(IReadOnlyList<PolicyResult> results)
    {
        var s = results.FirstOrDefault(r => r.Policy == "static");
        var r = results.FirstOrDefault(r => r.Policy == "reactive");
        var p = results.FirstOrDefault(r => r.Policy == "predictive");
        if (p is null)
        {
            return null;
        }

        // Undefined when the reactive policy had no violation second (nothing to reduce).
        double? reduction = r is null || r.ViolationSeconds == 0 ? null : 1 - ((double)p.ViolationSeconds / r.ViolationSeconds);
        double? ratio = r is null || r.CoreSecondsProvisioned == 0 ? null : p.CoreSecondsProvisioned / r.CoreSecondsProvisioned;
        double? saving = s is null || s.CoreSecondsProvisioned == 0 ? null : 1 - (p.CoreSecondsProvisioned / s.CoreSecondsProvisioned);
        return new Comparison
        {
            ViolationReductionVsReactive = reduction is { } x ? Math.Round(x, 3) : null,
            CoreSecondsRatioVsReactive = ratio is { } y ? Math.Round(y, 3) : null,
            CoreSecondsReductionVsStatic = saving is { } z ? Math.Round(z, 3) : null,
            ViolationDifferenceVsStatic = s is null ? null : p.ViolationSeconds - s.ViolationSeconds,
            PredictiveLeadSeconds = r?.FirstScaleUpVsRamp is { } a && p.FirstScaleUpVsRamp is { } b ? Math.Round(a - b, 2) : null,
            PredictiveLeadDecisionSeconds = r?.FirstUpDecisionVsRamp is { } c && p.FirstUpDecisionVsRamp is { } d ? Math.Round(c - d, 2) : null,
            // Fewer than half the reactive's violation seconds (none when it had none) at no more core-seconds.
            MeetsReactiveTarget = r is null ? null : (r.ViolationSeconds == 0 ? p.ViolationSeconds == 0 : p.ViolationSeconds <= 0.5 * r.ViolationSeconds) && ratio <= 1,
            MeetsStaticTarget = s is null ? null : saving >= 0.3 && p.ViolationSeconds <= s.ViolationSeconds,
        };
    }

    public static void Print(TextWriter w, BenchmarkResult result)
    {
        w.WriteLine();
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"measured day: {result.DaySeconds:F0} s, demand mean {result.MeasuredMeanDemandCores:F2} / peak {result.MeasuredPeakDemandCores:F2} cores, ramp ×{result.RampFactor} at {result.RampAtSeconds:F0} s; {result.CpuMsPerRequest:F2} ms CPU per request; SLO p99 ≤ {result.SloMs} ms and throttled ≤ {result.ThrottleMs} ms per second"));
        w.WriteLine("| policy | SLO-violation s (latency / lost / throttled) | core-s provisioned | mean cores | core-s used | resizes (day / run) | decisions sent | first up vs ramp (s) | first up in day (s) | p50 / p99 / p99.9 ms |");
        w.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var p in result.Policies)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Policy} | {p.ViolationSeconds} of {p.MeasuredSeconds} ({p.LatencyViolationSeconds} / {p.FailureViolationSeconds} / {p.ThrottleViolationSeconds}) | {p.CoreSecondsProvisioned:F1} | {p.MeanProvisionedCores:F2} | {p.CoreSecondsUsed:F1} | {p.ResizeActions} / {p.ResizeActionsWholeRun} | {N(p.DecisionsSent)} | {N(p.FirstScaleUpVsRamp)} | {N(p.FirstScaleUpInDay)} | {N(p.P50Ms)} / {N(p.P99Ms)} / {N(p.P999Ms)} |"));
        }

        if (result.Comparison is { } c)
        {
            w.WriteLine();
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"predictive vs reactive: {N(c.ViolationReductionVsReactive * 100)}% fewer SLO-violation seconds (target ≥ 50%), core-seconds × {N(c.CoreSecondsRatioVsReactive)} (target ≤ 1): {Verdict(c.MeetsReactiveTarget)}"));
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"predictive vs static:   {N(c.CoreSecondsReductionVsStatic * 100)}% fewer core-seconds (target ≥ 30%), {N(c.ViolationDifferenceVsStatic)} more SLO-violation seconds (target ≤ 0): {Verdict(c.MeetsStaticTarget)}"));
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"predictive lead over reactive at the ramp: {N(c.PredictiveLeadSeconds)} s by the cgroup's limit, {N(c.PredictiveLeadDecisionSeconds)} s by decision time"));
        }

        foreach (var p in result.Policies.Where(p => p.Notes.Count > 0))
        {
            foreach (var note in p.Notes)
            {
                w.WriteLine($"note [{p.Policy}]: {note}");
            }
        }
    }

    private static string Verdict(bool? met) => met switch { true => "MET", false => "NOT MET", null => "n/a" };

    private static string N(double? v) => v is { } x ? x.ToString("0.##", CultureInfo.InvariantCulture) : "–";

    private static string N(int? v) => v is { } x ? x.ToString(CultureInfo.InvariantCulture) : "–";
}
