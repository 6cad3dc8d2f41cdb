using System.Security.Cryptography;

namespace ShadowAgent.ClosedLoop.Worker;

/// <summary>
/// The work one request costs: a chain of SHA-256 rounds over 32 bytes, each round hashing the previous digest,
/// so nothing can be skipped or cached and the cost is pure CPU on one core. Calibrated in CPU time (not wall
/// time), so a machine busy with other work still yields the intended cost per request.
/// </summary>
internal static class CpuWork
{
    /// <summary>Runs <paramref name="rounds"/> chained hashes; the returned byte keeps the chain observable.</summary>
    public static byte Run(int rounds, byte seed)
    {
        Span<byte> digest = stackalloc byte[32];
        digest.Fill(seed);
        for (var i = 0; i < rounds; i++)
        {
            SHA256.HashData(digest, digest);
        }

        return digest[0];
    }

    /// <summary>Rounds that take <paramref name="cpuMilliseconds"/> of this process's CPU time on one core.</summary>
    public static int Calibrate(double cpuMilliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cpuMilliseconds);
        Run(20_000, 1); // warm the JIT and the caches
        const int Probe = 50_000;
        var best = double.MaxValue;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var before = Environment.CpuUsage.TotalTime;
            Run(Probe, (byte)attempt);
            var spent = (Environment.CpuUsage.TotalTime - before).TotalMilliseconds;
            if (spent > 0)
            {
                // The least CPU time is the least disturbed measurement (other threads of this process add to it).
                best = Math.Min(best, spent / Probe);
            }
        }

        return best == double.MaxValue ? 10_000 : Math.Max(1, (int)Math.Round(cpuMilliseconds / best));
    }
}
