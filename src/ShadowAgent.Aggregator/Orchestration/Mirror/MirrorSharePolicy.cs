using System.Globalization;

namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>One change of a target's mirrored share, with the reason the operator sees.</summary>
internal sealed record ShareChange(double FromShare, double ToShare, string Direction, string Reason);

/// <summary>
/// The share controller's rules as a pure function: cost first (the primary is never slowed, so a costly shadow is
/// cut even while useful) — the shadow failing at CostErrorRate, the mirror dropping copies, the host's CPU at
/// CostCpuUtilization → share × LowerFactor; else usefulness — shadow degradation or a shadow-stream anomaly within
/// UsefulFor, or the production forecast at capacity × ForecastCapacityShare → share × RaiseFactor; clamped to
/// [MinShare, MaxShare], at most once per Cooldown. Null when the share stays.
/// </summary>
internal static class MirrorSharePolicy
{
    public static ShareChange? Decide(MirrorShareState state, in PolicyInputs inputs, ShadowComparison shadow, TargetOptions target, double recordsPerCoreSecond)
    {
        var o = target.MirrorShare;
        var now = inputs.NowMs;
        if (!o.Enabled || !shadow.IsFresh(now))
        {
            return null;
        }

        var useful = new List<string>(3);
        if (target.ShadowLatencyRatio > 0 && shadow.LatencyRatio is { } ratio && ratio >= target.ShadowLatencyRatio)
        {
            useful.Add(F($"shadow.latency_p99_ratio {ratio:G4} >= ShadowLatencyRatio {target.ShadowLatencyRatio:G4}"));
        }

        if (target.ShadowErrorRate > 0 && shadow.ErrorRate is { } errors && errors >= target.ShadowErrorRate && errors < o.CostErrorRate)
        {
            useful.Add(F($"shadow.error_rate {errors:G4} >= ShadowErrorRate {target.ShadowErrorRate:G4}"));
        }

        if (target.AnomalyThreshold > 0 && shadow.AnomalyScore >= target.AnomalyThreshold)
        {
            useful.Add(F($"shadow anomaly.score {shadow.AnomalyScore:G4} >= AnomalyThreshold {target.AnomalyThreshold:G4}"));
        }

        if (useful.Count > 0)
        {
            state.LastUsefulMs = now;
            state.LastUsefulReason = string.Join(", ", useful);
        }

        var capacity = inputs.CurrentCpuCores * recordsPerCoreSecond;
        if (inputs.ForecastPeakRate is { } peak && capacity > 0 && peak >= capacity * o.ForecastCapacityShare)
        {
            useful.Add(F($"forecast.peak_rate {peak:G4} >= capacity×ForecastCapacityShare {capacity * o.ForecastCapacityShare:G4}"));
        }

        var cost = new List<string>(3);
        if (shadow.ErrorRate is { } failing && failing >= o.CostErrorRate)
        {
            cost.Add(F($"shadow.error_rate {failing:G4} >= CostErrorRate {o.CostErrorRate:G4}"));
        }

        if (o.CostDropShare > 0 && shadow.DropShare >= o.CostDropShare)
        {
            cost.Add(F($"mirror volume.dropped_share {shadow.DropShare:G4} >= CostDropShare {o.CostDropShare:G4}"));
        }

        if (inputs.CpuUtilization is { } cpu && cpu >= o.CostCpuUtilization)
        {
            cost.Add(F($"cpu.util {cpu:G4} >= CostCpuUtilization {o.CostCpuUtilization:G4}"));
        }

        if (state.LastChangeMs is { } last && now - last < o.Cooldown.TotalMilliseconds)
        {
            return null;
        }

        var from = state.Share;
        if (cost.Count > 0)
        {
            var to = Math.Round(Math.Clamp(from * o.LowerFactor, o.MinShare, o.MaxShare), 4);
            return to < from ? new ShareChange(from, to, "lower", "cost: " + string.Join(", ", cost)) : null;
        }

        var recentlyUseful = state.LastUsefulMs is { } seen && now - seen <= o.UsefulFor.TotalMilliseconds;
        if (useful.Count > 0 || recentlyUseful)
        {
            var reasons = useful.Count > 0 ? string.Join(", ", useful) : F($"{state.LastUsefulReason} ({now - state.LastUsefulMs} ms ago, UsefulFor {o.UsefulFor.TotalMilliseconds:G} ms)");
            var to = Math.Round(Math.Clamp(Math.Max(from * o.RaiseFactor, o.MinShare), o.MinShare, o.MaxShare), 4);
            return to > from ? new ShareChange(from, to, "raise", "useful: " + reasons) : null;
        }

        return null;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
