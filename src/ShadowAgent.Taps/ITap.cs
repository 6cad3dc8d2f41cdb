namespace ShadowAgent.Taps;

/// <summary>
/// One running tap: the source of one stream's records (a socket listener, a tailed file, a forward-protocol
/// listener, an HTTP mirror, a resource probe). The agent starts one per stream through <see cref="TapFactory"/>
/// and stops them all at shutdown; stopping drains what the tap already accepted into its sinks, and every sink
/// is closed exactly once before <see cref="StopAsync"/> completes.
/// </summary>
public interface ITap : IAsyncDisposable
{
    string StreamName { get; }

    /// <summary>Where the tap reads from, for logs and tests: a bound endpoint, a path or a pattern.</summary>
    string Source { get; }

    /// <summary>Stops accepting input and drains what was accepted; when the token fires first the rest is counted as dropped.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
