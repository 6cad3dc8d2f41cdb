using System.Net;
using System.Net.Sockets;

namespace ShadowAgent.ClosedLoop.SystemUnderTest;

/// <summary>Loopback ports for one run of the real system: aggregator gRPC and HTTP, the agent's workload tap.</summary>
internal sealed record SystemPorts(int Grpc, int Http, int Tap)
{
    /// <summary>Three ports the kernel hands out as free (bound and released; nothing else on this host races for them in practice).</summary>
    public static SystemPorts Free()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var l in listeners)
        {
            l.Start();
        }

        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners)
        {
            l.Stop();
        }

        return new SystemPorts(ports[0], ports[1], ports[2]);
    }
}
