namespace ShadowAgent.ClosedLoop.Run;

/// <summary>One policy's measurements over the measured day (times in seconds; the ramp-relative ones negative when before the ramp).</summary>
internal sealed record PolicyResult
{
    public required string Policy { get; init; }

    /// <summary>The fixed limit (static) or the limit the run started from (reactive, predictive), cores.</summary>
    public double StartCores { get; init; }

    public int MeasuredSeconds { get; init; }

    public int ViolationSeconds { get; init; }

    public int LatencyViolationSeconds { get; init; }

    public int FailureViolationSeconds { get; init; }

    public int ThrottleViolationSeconds { get; init; }

    public double CoreSecondsProvisioned { get; init; }

    public double MeanProvisionedCores { get; init; }

    public double CoreSecondsUsed { get; init; }

    /// <summary>Changes of the cgroup's CPU limit during the measured day.</summary>
    public int ResizeActions { get; init; }

    /// <summary>Changes of the limit over the whole run (warm-up days included).</summary>
    public int ResizeActionsWholeRun { get; init; }

    /// <summary>Scale-ups and scale-downs the decisions API lists as sent during the measured day (null without an orchestrator).</summary>
    public int? DecisionsSent { get; init; }

    public int? DecisionsWholeRun { get; init; }

    /// <summary>First increase of the limit from --pre-ramp seconds before the ramp to 30 s after its end, relative to the ramp's start.</summary>
    public double? FirstScaleUpVsRamp { get; init; }

    /// <summary>First scale-up decision (decisions API) in the same range, relative to the ramp's start.</summary>
    public double? FirstUpDecisionVsRamp { get; init; }

    /// <summary>First increase of the limit in the measured day, from the day's start.</summary>
    public double? FirstScaleUpInDay { get; init; }

    public long Requests { get; init; }

    public long Failed { get; init; }

    public double? P50Ms { get; init; }

    public double? P99Ms { get; init; }

    public double? P999Ms { get; init; }

    public long TapLines { get; init; }

    /// <summary>Per-second CSV (second, requests, p99, failed, throttled, limit, used cores) and the run's logs and decisions.</summary>
    public string Directory { get; init; } = "";

    public List<string> Notes { get; init; } = [];
}
