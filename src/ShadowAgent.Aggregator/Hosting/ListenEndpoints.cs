using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ShadowAgent.Aggregator.Hosting;

/// <summary>
/// The two Kestrel endpoints. Kestrel writes the bound address back into the listen options, so after start
/// these report the real ports when the configuration asked for port 0 (tests, the in-process demo).
/// </summary>
public sealed class ListenEndpoints
{
    internal ListenOptions? GrpcOptions { get; set; }

    internal ListenOptions? HttpOptions { get; set; }

    public EndPoint? Grpc => GrpcOptions?.EndPoint;

    public EndPoint? Http => HttpOptions?.EndPoint;

    /// <summary>"http://host:port" of the gRPC endpoint, for GrpcChannel.ForAddress.</summary>
    public Uri GrpcUri => ToUri(Grpc);

    public Uri HttpUri => ToUri(Http);

    private static Uri ToUri(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip when ip.Address.Equals(IPAddress.Any) => new Uri($"http://127.0.0.1:{ip.Port}"),
        IPEndPoint ip when ip.Address.Equals(IPAddress.IPv6Any) => new Uri($"http://[::1]:{ip.Port}"),
        IPEndPoint ip => new Uri($"http://{ip}"),
        _ => throw new InvalidOperationException("the endpoint is not bound to an IP address"),
    };
}
