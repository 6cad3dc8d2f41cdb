using System.Globalization;
using System.Security.Cryptography;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>
/// <c>shadow-aggregator demo worker RECORDS_PER_CORE_SECOND</c>: the checkout service's CPU work, in its own process
/// so the demo can put it in a real cgroup that the orchestrator resizes. Each line on stdin is a count of requests
/// the workload just sent; each request costs 1/RECORDS_PER_CORE_SECOND of a core-second of chained SHA-256 rounds
/// (calibrated in CPU time, so a busy machine still gets the intended cost). One thread per CPU takes requests from
/// a backlog; a backlog over two seconds of a whole machine's work sheds the excess (a throttled service that falls
/// behind). Prints "ready" once calibrated; exits when stdin closes.
/// </summary>
internal static class DemoWorker
{
    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count != 1 || !double.TryParse(args[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var perCoreSecond) || !(perCoreSecond >= 1))
        {
            Console.Error.WriteLine("shadow-aggregator demo worker: usage: demo worker RECORDS_PER_CORE_SECOND (a number >= 1)");
            return 2;
        }

        var rounds = Calibrate(1000.0 / perCoreSecond);
        var threads = Math.Max(1, Environment.ProcessorCount);
        var cap = (long)(2 * perCoreSecond * threads);
        var gate = new object();
        long pending = 0;
        var done = false;
        var workers = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            var seed = (byte)i;
            workers[i] = new Thread(() =>
            {
                while (true)
                {
                    long take;
                    lock (gate)
                    {
                        while (pending == 0 && !done)
                        {
                            Monitor.Wait(gate);
                        }

                        if (pending == 0)
                        {
                            return;
                        }

                        take = Math.Min(pending, 8);
                        pending -= take;
                    }

                    for (var n = 0; n < take; n++)
                    {
                        seed = Hash(rounds, seed);
                    }
                }
            }) { IsBackground = true, Name = "checkout-worker" };
            workers[i].Start();
        }

        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        while (Console.In.ReadLine() is { } line)
        {
            if (long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
            {
                lock (gate)
                {
                    pending = Math.Min(cap, pending + count);
                    Monitor.PulseAll(gate);
                }
            }
        }

        lock (gate)
        {
            // Stdin closed: the demo is stopping; the backlog is dropped.
            pending = 0;
            done = true;
            Monitor.PulseAll(gate);
        }

        return 0;
    }

    /// <summary>Chained hashes: nothing can be skipped or cached, pure CPU on one core.</summary>
    private static byte Hash(int rounds, byte seed)
    {
        Span<byte> digest = stackalloc byte[32];
        digest.Fill(seed);
        for (var i = 0; i < rounds; i++)
        {
            SHA256.HashData(digest, digest);
        }

        return digest[0];
    }

    /// <summary>Rounds that take <paramref name="cpuMilliseconds"/> of CPU time, from the least disturbed of five probes.</summary>
    private static int Calibrate(double cpuMilliseconds)
    {
        Hash(20_000, 1);
        const int Probe = 40_000;
        var best = double.MaxValue;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var before = Environment.CpuUsage.TotalTime;
            Hash(Probe, (byte)attempt);
            var spent = (Environment.CpuUsage.TotalTime - before).TotalMilliseconds;
            if (spent > 0)
            {
                best = Math.Min(best, spent / Probe);
            }
        }

        return best == double.MaxValue ? 500 : Math.Max(1, (int)Math.Round(cpuMilliseconds / best));
    }
}
