using ShadowAgent.Testing;

namespace ShadowAgent.ClosedLoop.SystemUnderTest;

/// <summary>
/// Loopback ports for one run of the real system: aggregator gRPC and HTTP, the agent's tap of request arrivals
/// (the demand) and its tap of the worker's access log (the answers and their latency).
/// </summary>
internal sealed record SystemPorts(int Grpc, int Http, int Tap, int AccessTap)
{
    /// <summary>
    /// Four free ports from below the kernel's ephemeral range (<see cref="FreePort"/>): between this choice and the
    /// children's bind, no outgoing connection can be handed one as its source port, and the tap's readiness probe
    /// cannot connect to itself.
    /// </summary>
    public static SystemPorts Free() => new(FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next());
}
