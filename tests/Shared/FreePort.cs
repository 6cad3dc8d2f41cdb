using System.Net;
using System.Net.Sockets;

namespace ShadowAgent.Testing;

/// <summary>
/// Loopback ports for processes that must be told their port up front. They come from below the kernel's ephemeral
/// range, so between this probe and the child's bind no outgoing connection on the machine can be handed the port as
/// its source, and a readiness probe cannot connect to itself (TCP simultaneous open) and hold it. Test assemblies run
/// side by side: each port is also claimed with an exclusive lock on a file named after it, held until this process
/// ends, so two test processes never hand out the same port between the probe and their child's bind.
/// </summary>
internal static class FreePort
{
    private static readonly string LockDirectory = Path.Combine(Path.GetTempPath(), "shadowagent-test-ports");
    private static readonly List<FileStream> Claims = [];
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

            if (!TryClaim(port, out var claim))
            {
                continue;
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                lock (Claims)
                {
                    Claims.Add(claim);
                }

                return port;
            }
            catch (SocketException)
            {
                // Taken: try the next one.
                claim.Dispose();
            }
        }

        throw new InvalidOperationException($"no free loopback port between 20000 and {ceiling}");
    }

    /// <summary>Takes the port's lock file (an exclusive flock, released by the kernel when this process exits).</summary>
    private static bool TryClaim(int port, out FileStream claim)
    {
        Directory.CreateDirectory(LockDirectory);
        try
        {
            claim = new FileStream(Path.Combine(LockDirectory, port.ToString(System.Globalization.CultureInfo.InvariantCulture)), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            // Another test process holds it.
            claim = null!;
            return false;
        }
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
