using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ShadowAgent.Benchmarks.Agent;

/// <summary>
/// Measures a published shadow-agent binary from the outside: time from process spawn to its tap accepting
/// a connection, resident memory after it has idled, and the binary's size. One stream is configured and no
/// aggregator listens, so the figures include the uplink's reconnect loop.
/// </summary>
public static class AgentStartScenario
{
    public static int Run(string[] args)
    {
        if (args.Length < 1 || !File.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: scenario agent-start <path to shadow-agent> [runs] [idle seconds]");
            return 2;
        }

        var binary = Path.GetFullPath(args[0]);
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var idle = TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 2);
        var directory = Directory.CreateTempSubdirectory("agent-start-").FullName;
        var starts = new List<double>();
        var rss = new List<double>();
        try
        {
            for (var run = 0; run < runs; run++)
            {
                var port = FreePort();
                var config = Path.Combine(directory, "agent.json");
                File.WriteAllText(config, $$"""
                    { "Agent": { "HostId": "bench", "Aggregator": { "Endpoint": "http://127.0.0.1:{{FreePort()}}" },
                      "Streams": [ { "Name": "bench", "Tap": { "Kind": "tcp", "Address": "127.0.0.1:{{port}}" },
                                     "KeyFields": [ "user.id", "route" ], "NumericFields": [ "latency_ms" ] } ] } }
                    """);
                var psi = new ProcessStartInfo(binary) { ArgumentList = { "--config", config }, RedirectStandardOutput = true, RedirectStandardError = true };
                var watch = Stopwatch.StartNew();
                using var process = Process.Start(psi)!;
                process.OutputDataReceived += (_, _) => { };
                process.ErrorDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                WaitForListener(port, process);
                starts.Add(watch.Elapsed.TotalMilliseconds);
                Thread.Sleep(idle); // letting the process idle is the measurement itself
                rss.Add(ReadRssKiB(process.Id) / 1024.0);
                process.Kill();
                process.WaitForExit();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        starts.Sort();
        rss.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"binary            {new FileInfo(binary).Length / 1e6:F2} MB ({binary})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"spawn->listening  median {starts[starts.Count / 2]:F1} ms, min {starts[0]:F1}, max {starts[^1]:F1} ({runs} runs)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle RSS          median {rss[rss.Count / 2]:F1} MB, min {rss[0]:F1}, max {rss[^1]:F1} (after {idle.TotalSeconds} s)"));
        return 0;
    }

    private static void WaitForListener(int port, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the agent exited with code {process.ExitCode}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Connect(new IPEndPoint(IPAddress.Loopback, port));
                if (!Equals(probe.LocalEndPoint, probe.RemoteEndPoint))
                {
                    return;
                }

                // A connect that chose the target port as its own source port reached itself (TCP simultaneous
                // open), not the agent: drop it so the agent can bind.
                probe.Close();
            }
            catch (SocketException)
            {
                Thread.SpinWait(1000);
            }
        }

        throw new TimeoutException("the agent's tap did not open within 10 s");
    }

    private static long ReadRssKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
