namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>
/// The orchestrator's rule "shadow latency or errors over threshold → pre-emptive scale-up of production": the
/// shadow runs the same requests on fewer resources, so it degrades first. Kept out of <see cref="ScalingPolicy"/>,
/// which calls it once and grows by HighFactor when it fires.
/// </summary>
internal static class ShadowDegradationRule
{
    public const string Rule = "shadow_degradation";

    /// <summary>Adds a trigger per threshold crossed; true when any was.</summary>
    public static bool Fires(in PolicyInputs inputs, TargetOptions target, List<Trigger> triggers)
    {
        if (target.ShadowStream.Length == 0)
        {
            return false;
        }

        var fired = false;
        if (target.ShadowLatencyRatio > 0 && inputs.ShadowLatencyRatio is { } ratio && ratio >= target.ShadowLatencyRatio)
        {
            triggers.Add(new Trigger(Rule, $"shadow.latency_p99_ratio[{target.ShadowStream}]", ratio, "ShadowLatencyRatio", target.ShadowLatencyRatio));
            fired = true;
        }

        if (target.ShadowErrorRate > 0 && inputs.ShadowErrorRate is { } errors && errors >= target.ShadowErrorRate)
        {
            triggers.Add(new Trigger(Rule, $"shadow.error_rate[{target.ShadowStream}]", errors, "ShadowErrorRate", target.ShadowErrorRate));
            fired = true;
        }

        return fired;
    }
}
