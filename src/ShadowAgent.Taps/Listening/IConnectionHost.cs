using System.Net.Sockets;

namespace ShadowAgent.Taps.Listening;

/// <summary>
/// The tap side of a <see cref="ConnectionListener{TConnection}"/>: builds a connection for each accepted socket,
/// releases what it gave it once the connection has ended, and logs in the tap's own words (each tap keeps its
/// log event ids). Callbacks come from the listener's accept loop or from a connection's task, never two for the
/// same connection at once.
/// </summary>
internal interface IConnectionHost<TConnection>
    where TConnection : class, IAcceptedConnection
{
    /// <summary>
    /// Builds the connection for an accepted socket (socket options, sink, parser). When this throws, the listener
    /// closes the socket, reports the error through <see cref="ConnectionFailed"/> and keeps accepting; so set the
    /// socket options before opening anything that must be closed.
    /// </summary>
    TConnection Open(Socket socket);

    /// <summary>The connection's run has ended, normally or not: close what <see cref="Open"/> gave it (its sink). Called exactly once.</summary>
    void Closed(TConnection connection);

    /// <summary>
    /// A socket was accepted and closed at once because <paramref name="maxConnections"/> connections are open.
    /// Called before the socket is closed, so whoever sees the connection end also sees it counted.
    /// </summary>
    void Rejected(int maxConnections);

    /// <summary>A connection's run (or its <see cref="Open"/>) ended with an exception; the listener goes on.</summary>
    void ConnectionFailed(Exception exception);

    /// <summary>Accepting failed in a way retrying cannot mend (not a socket error): the listener accepts no more.</summary>
    void AcceptFailed(Exception exception);

    /// <summary>
    /// Runs once at the end of a stop, after every connection has ended and been <see cref="Closed"/>: the tap's own
    /// shutdown (delete a socket file, drain a queue, log). <paramref name="aborted"/> connections did not finish by
    /// the deadline; <paramref name="cancellationToken"/> is the caller's deadline, already fired when some were aborted.
    /// </summary>
    Task StoppedAsync(int aborted, CancellationToken cancellationToken);
}
