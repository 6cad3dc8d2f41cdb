namespace ShadowAgent.ClosedLoop.Accounting;

/// <summary>
/// One second of the measured range: its requests, their p99 latency (null without answered requests), the
/// requests that got no answer, the cgroup's throttled time in it, and whether it violated the SLO and why.
/// </summary>
internal readonly record struct SecondVerdict(int Second, int Requests, double? P99Ms, int Failed, double ThrottledSeconds, bool LatencyBreach, bool FailureBreach, bool ThrottleBreach)
{
    public bool Violated => LatencyBreach || FailureBreach || ThrottleBreach;
}
