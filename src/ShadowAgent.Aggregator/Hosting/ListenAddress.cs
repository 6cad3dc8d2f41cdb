using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace ShadowAgent.Aggregator.Hosting;

/// <summary>A parsed host:port. Host is an IP literal (IPv6 in brackets), "localhost" or "*" for every interface.</summary>
internal readonly record struct ListenAddress(string Host, IPAddress? Address, int Port)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out ListenAddress? result)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var host = text[..colon];
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        if (host is "*" or "localhost")
        {
            result = new ListenAddress(host, null, port);
            return true;
        }

        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (!IPAddress.TryParse(bare, out var address))
        {
            return false;
        }

        result = new ListenAddress(host, address, port);
        return true;
    }

    public override string ToString() => $"{Host}:{Port}";
}
