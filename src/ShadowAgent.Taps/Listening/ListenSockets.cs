using System.Net;
using System.Net.Sockets;

namespace ShadowAgent.Taps.Listening;

/// <summary>Binding the listening socket of a socket-based tap, with errors that name the stream and the address.</summary>
internal static class ListenSockets
{
    /// <summary>
    /// The kernel's queue of connections not yet accepted. One value for every tap: a producer reconnecting in a
    /// burst or a proxied service under load should queue, not be refused, and the kernel caps it at somaxconn anyway.
    /// </summary>
    public const int Backlog = 1024;

    /// <summary>Parses a TCP listen address; port 0 (the system picks one) is allowed for tests, configuration asks for a real port.</summary>
    /// <param name="what">How the message names the address, for example "tcp" or "forward".</param>
    /// <exception cref="InvalidOperationException">The address is not an IP address and port.</exception>
    public static IPEndPoint ParseTcp(string stream, string? address, string what, int examplePort)
    {
        if (string.IsNullOrWhiteSpace(address) || !address.Contains(':', StringComparison.Ordinal) || !IPEndPoint.TryParse(address, out var endPoint))
        {
            throw new InvalidOperationException($"Stream '{stream}': {what} address '{address}' is not an IP address and port (for example 127.0.0.1:{examplePort}).");
        }

        return endPoint;
    }

    /// <summary>Binds and listens on a TCP endpoint; <paramref name="address"/> is how the configuration wrote it, for the message.</summary>
    /// <exception cref="InvalidOperationException">The endpoint cannot be bound.</exception>
    public static Socket ListenTcp(string stream, IPEndPoint endPoint, string address) =>
        Listen(new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp), endPoint, stream, $"tcp {address}");

    /// <summary>Binds and listens on a Unix domain socket path (the caller deals with a file left behind).</summary>
    /// <exception cref="InvalidOperationException">The path cannot be bound.</exception>
    public static Socket ListenUnix(string stream, string path) =>
        Listen(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), new UnixDomainSocketEndPoint(path), stream, $"unix {path}");

    private static Socket Listen(Socket socket, EndPoint endPoint, string stream, string description)
    {
        try
        {
            socket.Bind(endPoint);
            socket.Listen(Backlog);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidOperationException($"Stream '{stream}': cannot listen on {description}: {e.Message}", e);
        }
    }
}
