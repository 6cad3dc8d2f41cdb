namespace ShadowAgent.Core.Streams;

/// <summary>
/// The fields of the records an HTTP mirror tap emits, one record per observation: a "primary" record per
/// request answered by the primary and a "shadow" record per copy answered (or failed) by the shadow. A stream
/// lists the ones it wants in KeyFields and NumericFields; a numeric field a record does not carry is absent
/// from it (so primary_latency_ms quantiles come from primary records only).
/// </summary>
public static class MirrorFields
{
    /// <summary>"primary" or "shadow".</summary>
    public const string Path = "path";

    /// <summary>The request path without its query (the profile's route prefixes shorten it).</summary>
    public const string Route = "route";

    public const string Method = "method";

    /// <summary>"200", "503", or "error" when no response came.</summary>
    public const string Status = "status";

    /// <summary>"2xx" … "5xx", or "error".</summary>
    public const string StatusClass = "status_class";

    /// <summary>Path and status class together ("shadow 5xx"): the status mix of both sides in one heavy-hitters sketch.</summary>
    public const string Outcome = "outcome";

    /// <summary>The shadow scenario applied (shadow records only).</summary>
    public const string Scenario = "scenario";

    /// <summary>
    /// The response-body comparison of a copy on a bodyDiff route (shadow records, first un-perturbed copy only):
    /// "equal", "differs", "differs $.path" (first differing JSON field), "status_differs", "not_json",
    /// "too_large", "injected", "no_answer" or "no_primary".
    /// </summary>
    public const string BodyDiff = "body_diff";

    public static readonly IReadOnlyList<string> Keys = [Path, Route, Method, Status, StatusClass, Outcome, Scenario, BodyDiff];

    /// <summary>Milliseconds from the request head to the last response byte (primary records).</summary>
    public const string PrimaryLatencyMs = "primary_latency_ms";

    /// <summary>Milliseconds from sending the copy to its last response byte, injected delay included (shadow records).</summary>
    public const string ShadowLatencyMs = "shadow_latency_ms";

    /// <summary>Shadow latency minus its primary's, when the primary had answered first (shadow records).</summary>
    public const string LatencyDeltaMs = "latency_delta_ms";

    /// <summary>1 for a 5xx or no response, else 0 (primary records).</summary>
    public const string PrimaryError = "primary_error";

    /// <summary>1 for a 5xx, no response, timeout or injected error, else 0 (shadow records).</summary>
    public const string ShadowError = "shadow_error";

    /// <summary>1 when the error was injected by the profile's noise (shadow records).</summary>
    public const string ShadowInjectedError = "shadow_injected_error";

    /// <summary>The delay injected before sending the copy (shadow records).</summary>
    public const string ShadowInjectedDelayMs = "shadow_injected_delay_ms";

    /// <summary>1 when the status differs from the primary's for the same request, else 0 (shadow records whose primary answered first).</summary>
    public const string StatusMismatch = "status_mismatch";

    /// <summary>Request body bytes as framed on the wire (primary) or as copied (shadow).</summary>
    public const string RequestBytes = "request_bytes";

    /// <summary>Response body bytes as framed on the wire (primary: chunk framing included) or as read (shadow).</summary>
    public const string ResponseBytes = "response_bytes";

    /// <summary>1 when the compared responses differ (status or body), 0 when equal; absent when not compared (shadow records).</summary>
    public const string BodyMismatch = "body_mismatch";

    public static readonly IReadOnlyList<string> Numbers =
    [
        PrimaryLatencyMs, ShadowLatencyMs, LatencyDeltaMs, PrimaryError, ShadowError, ShadowInjectedError,
        ShadowInjectedDelayMs, StatusMismatch, RequestBytes, ResponseBytes, BodyMismatch,
    ];
}
