using System.Diagnostics;
using System.Net.Sockets;
using ShadowAgent.ClosedLoop.Cgroups;
using ShadowAgent.ClosedLoop.Load;
using ShadowAgent.ClosedLoop.Worker;

namespace ShadowAgent.ClosedLoop.Run;

/// <summary>
/// What one request really costs the worker, measured in its cgroup (unlimited), CPU from the cgroup's usage counter
/// so the server's socket work counts along with the hashing. Twice: requests answered one at a time (a busy core,
/// warm caches), then as the runs send them — Poisson arrivals over the runs' connections at a moderate share of a
/// core, each waking a thread on a core that idled in between. The second costs more on some hosts (on one, 1.5× the
/// first), and a figure that low would size static limits and the capacity model under what the runs burn, so the
/// larger of the two is the cost. The trace's demand in cores becomes a request rate through it, and the
/// orchestrator's capacity model starts from it.
/// </summary>
internal static class Calibration
{
    public static (double SerialMs, double PacedMs, double CpuMsPerRequest, double RequestsPerCoreSecond) Measure(
        int rounds, string cgroupName, int shares, int connections, int requests = 400, double pacedCores = 0.3, double pacedSeconds = 6)
    {
        using var cgroup = BenchCgroup.Create(cgroupName, shares);
        using var worker = WorkerProcess.Start(rounds, cgroup);
        var serial = Serial(worker.Port, cgroup, requests);
        var paced = Paced(worker.Port, cgroup, connections, pacedCores * 1000 / serial, pacedSeconds);
        var ms = Math.Max(serial, paced);
        return (serial, paced, ms, 1000 / ms);
    }

    private static double Serial(int port, BenchCgroup cgroup, int requests)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect("127.0.0.1", port);
        var one = new[] { WorkerServer.Request };
        var reply = new byte[1];
        void Round(int n)
        {
            for (var i = 0; i < n; i++)
            {
                socket.Send(one);
                if (socket.Receive(reply) != 1)
                {
                    throw new InvalidOperationException("the worker closed the connection during calibration");
                }
            }
        }

        Round(requests / 4); // JIT and caches
        var before = cgroup.Sample(0).UsageNs;
        Round(requests);
        var after = cgroup.Sample(0).UsageNs;
        return (after - before) / 1e6 / requests;
    }

    private static double Paced(int port, BenchCgroup cgroup, int connections, double rate, double seconds)
    {
        var random = new Random(20_261_207);
        var arrivals = new List<double>();
        for (var t = -Math.Log(1 - random.NextDouble()) / rate; t < seconds; t += -Math.Log(1 - random.NextDouble()) / rate)
        {
            arrivals.Add(t);
        }

        var log = new LatencyLog((int)Math.Ceiling(seconds) + 2);
        var before = cgroup.Sample(0).UsageNs;
        long answered;
        using (var load = new LoadGenerator(port, connections, int.MaxValue, log, null, null, Stopwatch.GetTimestamp()))
        {
            load.Run(arrivals.ToArray(), TimeSpan.FromSeconds(5), CancellationToken.None);
            answered = load.Answered;
        }

        var after = cgroup.Sample(0).UsageNs;
        if (answered < arrivals.Count / 2)
        {
            throw new InvalidOperationException($"the worker answered {answered} of {arrivals.Count} paced calibration requests");
        }

        return (after - before) / 1e6 / answered;
    }
}
