using System.Net;
using System.Net.Sockets;

namespace ShadowAgent.EndToEnd.Tests.Harness;

internal static class FreePort
{
    /// <summary>A loopback port nothing listens on now, for a process that must be told its port up front.</summary>
    public static int Next()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
