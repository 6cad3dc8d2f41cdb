namespace ShadowAgent.Mirror.Shadow;

/// <summary>
/// One mirrored request as the shadow gets it: the head's parts as strings and the whole body (at most the
/// configured cap). The primary's outcome is filled in when the primary answers, so the shadow's records can
/// say how the two compare; the shadow never waits for it.
/// </summary>
internal sealed class ShadowCopy
{
    private int _primaryStatus;
    private double _primaryLatencyMs;

    public required string Method { get; init; }

    public required string Target { get; init; }

    /// <summary>The route key (the profile's prefix or the path), UTF-8.</summary>
    public required byte[] Route { get; init; }

    public required List<KeyValuePair<string, string>> Headers { get; init; }

    public required byte[] Body { get; init; }

    /// <summary>
    /// Set for a request on a bodyDiff route: completed by the proxy with the primary's response body once relayed
    /// (null when the primary failed), awaited by the shadow sender for the comparison.
    /// </summary>
    public TaskCompletionSource<Diff.BodyCapture?>? PrimaryBody { get; init; }

    /// <summary>The primary's status, or 0 while it has not answered (or when it failed: -1).</summary>
    public int PrimaryStatus => Volatile.Read(ref _primaryStatus);

    public double PrimaryLatencyMs => Volatile.Read(ref _primaryLatencyMs);

    public void SetPrimary(int status, double latencyMs)
    {
        Volatile.Write(ref _primaryLatencyMs, latencyMs);
        Volatile.Write(ref _primaryStatus, status);
    }
}
