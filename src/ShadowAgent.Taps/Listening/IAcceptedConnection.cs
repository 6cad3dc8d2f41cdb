namespace ShadowAgent.Taps.Listening;

/// <summary>
/// What <see cref="ConnectionListener{TConnection}"/> needs of one accepted connection: run it, ask it to
/// finish, and end it now. The listener calls <see cref="RequestStop"/> and <see cref="Abort"/> from the
/// stopping thread while <see cref="RunAsync"/> may still be running, so both must be thread-safe, idempotent
/// and safe to call after the run has ended.
/// </summary>
internal interface IAcceptedConnection
{
    /// <summary>Serves the connection until it ends; the connection closes its own socket before this completes.</summary>
    Task RunAsync();

    /// <summary>The tap is stopping: take no new input and finish what is in hand (the graceful part of a stop).</summary>
    void RequestStop();

    /// <summary>The stop deadline passed: end now. <see cref="RunAsync"/> must still complete soon after.</summary>
    void Abort();
}
