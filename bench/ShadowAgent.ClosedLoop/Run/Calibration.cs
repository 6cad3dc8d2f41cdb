using System.Net.Sockets;
using ShadowAgent.ClosedLoop.Cgroups;
using ShadowAgent.ClosedLoop.Worker;

namespace ShadowAgent.ClosedLoop.Run;

/// <summary>
/// What one request really costs the worker, measured in its cgroup (unlimited): requests answered one at a time,
/// CPU from the cgroup's usage counter, so the server's socket work counts along with the hashing. The trace's
/// demand in cores becomes a request rate through this figure, and the orchestrator's capacity model starts from it.
/// </summary>
internal static class Calibration
{
    public static (double CpuMsPerRequest, double RequestsPerCoreSecond) Measure(int rounds, string cgroupName, int shares, int requests = 400)
    {
        using var cgroup = BenchCgroup.Create(cgroupName, shares);
        using var worker = WorkerProcess.Start(rounds, cgroup);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect("127.0.0.1", worker.Port);
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
        var ms = (after - before) / 1e6 / requests;
        return (ms, 1000 / ms);
    }
}
