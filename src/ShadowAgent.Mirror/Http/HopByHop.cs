using System.Text;

namespace ShadowAgent.Mirror.Http;

/// <summary>
/// Headers that describe one connection rather than the message (RFC 9110 §7.6.1, RFC 9112 §9.6), so a proxy
/// does not forward them. Transfer-Encoding is framing and is kept: the proxy relays chunked bodies verbatim, so
/// the framing it forwards is the framing it received. Expect is answered by the proxy itself.
/// </summary>
internal static class HopByHop
{
    public static bool IsAlways(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "Connection"u8)
        || Ascii.EqualsIgnoreCase(name, "Keep-Alive"u8)
        || Ascii.EqualsIgnoreCase(name, "Proxy-Connection"u8)
        || Ascii.EqualsIgnoreCase(name, "TE"u8)
        || Ascii.EqualsIgnoreCase(name, "Upgrade"u8)
        || Ascii.EqualsIgnoreCase(name, "Expect"u8);
}
