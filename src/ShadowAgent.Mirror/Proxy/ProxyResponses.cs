namespace ShadowAgent.Mirror.Proxy;

/// <summary>The few answers the mirror gives itself; each closes the connection.</summary>
internal static class ProxyResponses
{
    public static ReadOnlySpan<byte> Continue => "HTTP/1.1 100 Continue\r\n\r\n"u8;

    public static ReadOnlySpan<byte> BadRequest => "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8;

    public static ReadOnlySpan<byte> ExpectationFailed => "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8;

    public static ReadOnlySpan<byte> HeadersTooLarge => "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8;

    public static ReadOnlySpan<byte> NotImplemented => "HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8;

    public static ReadOnlySpan<byte> BadGateway => "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8;
}
