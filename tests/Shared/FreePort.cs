using System.Net;
using System.Net.Sockets;

namespace ShadowAgent.Testing;

/// <summary>
/// Loopback ports for processes that must be told their port up front. They come from below the kernel's ephemeral
/// range, so between this probe and the child's bind no outgoing connection on the machine can be handed the port as
/// its source, and a readiness probe cannot connect to itself (TCP simultaneous open) and hold it.
/// </summary>
internal static class FreePort
{
    private static int _next = 20_000 + Random.Shared.Next(0, 4_000);

    /// <summary>A loopback port below the ephemeral range that nothing is bound to now.</summary>
    public static int Next()
    {
        var ceiling = EphemeralLow();
        for (var attempt = 0; attempt < 2_000; attempt++)
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
                // Taken: try the next one.
            }
        }

        throw new InvalidOperationException($"no free loopback port between 20000 and {ceiling}");
    }

    private static int EphemeralLow()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range");
            var low = int.Parse(text.Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
            return low > 21_000 ? low : 32_768;
        }
        catch (IOException)
        {
            return 32_768;
        }
    }
}
