using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ShadowAgent.ClosedLoop.SystemUnderTest;

/// <summary>
/// Loopback ports for one run of the real system: aggregator gRPC and HTTP, the agent's tap of request arrivals
/// (the demand) and its tap of the worker's access log (the answers and their latency).
/// </summary>
internal sealed record SystemPorts(int Grpc, int Http, int Tap, int AccessTap)
{
    private static int _next = 24_000 + Random.Shared.Next(0, 4_000);

    /// <summary>
    /// Four free ports from below the kernel's ephemeral range: between this choice and the children's bind, no
    /// outgoing connection can be handed one as its source port, and the tap's readiness probe cannot connect to itself.
    /// </summary>
    public static SystemPorts Free()
    {
        var ports = new int[4];
        for (var i = 0; i < ports.Length; i++)
        {
            ports[i] = NextFree();
        }

        return new SystemPorts(ports[0], ports[1], ports[2], ports[3]);
    }

    private static int NextFree()
    {
        var ceiling = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split(['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 4_000; attempt++)
        {
            var port = Interlocked.Increment(ref _next);
            if (port >= ceiling)
            {
                Interlocked.Exchange(ref _next, 20_000);
                continue;
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException($"no free loopback port between 20000 and {ceiling}");
    }
}
