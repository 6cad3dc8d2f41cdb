using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Agent.Actuation;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Tests.Uplink;
using ShadowAgent.Agent.Uplink;
using ShadowAgent.Core.Streams;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Benchmarks.Actuation;

/// <summary>
/// <c>scenario actuation-latency [commands]</c> (as root): the agent's real uplink and resize handler connected
/// to a loopback AgentLink server; the server sends ResizeCommands one at a time and times each until its
/// CommandResult arrives (loopback gRPC both ways included). The handler's own time, from the command's arrival
/// to its result, is read from its shadow_agent_resize_duration histogram. Kinds: a real cgroup v1 CPU quota
/// and memory limit write, the same as a dry run, and a libvirt test:///default vCPU resize.
/// </summary>
internal static class ActuationLatencyScenario
{
    private static readonly string[] Roots = ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/memory"];

    public static async Task<int> RunAsync(string[] args)
    {
        var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var name = $"shadow-latency-{Environment.ProcessId}";
        foreach (var root in Roots)
        {
            Directory.CreateDirectory(Path.Combine(root, name));
        }

        var handlerMs = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "shadow_agent_resize_duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (handlerMs)
            {
                handlerMs.Add(value);
            }
        });
        listener.Start();

        await using var server = await FakeAggregator.StartAsync();
        var options = new AgentOptions
        {
            HostId = "bench",
            HostName = "bench",
            Aggregator = new AggregatorOptions { Endpoint = server.Address },
            Streams = [new StreamOptions { Name = "s", Tap = new TapOptions { Address = "127.0.0.1:1" } }],
            Actuation = new ActuationOptions
            {
                Enabled = true,
                CgroupRoots = [.. Roots],
                MaxCommandsPerMinute = 100_000,
                Libvirt = new LibvirtOptions { Uri = "test:///default", Domains = ["test"] },
            },
        };
        using var handler = ResizeCommandHandler.Create(options.Actuation, TimeProvider.System, NullLogger.Instance);
        using var metrics = new UplinkMetrics();
        using var uplink = new UplinkService(options, new ProfileSpool(16), TimeProvider.System, NullLogger<UplinkService>.Instance, metrics, new Random(42), handler);
        try
        {
            await uplink.StartAsync(CancellationToken.None);
            await server.NextOfAsync(AgentMessage.BodyOneofCase.Hello);
            Console.WriteLine($"{n} commands per kind, one at a time; round trip = server sends the command until the result arrives; handler = arrival at the agent to result");
            Console.WriteLine("kind                         status    round trip p50 / p99 / max (ms)    handler p50 / p99 (ms)");
            (string Kind, Func<int, ResizeCommand> Make)[] kinds =
            [
                ("cgroup v1 cpu+memory", i => new ResizeCommand { Target = "cgroup:" + name, CpuCores = i % 2 == 0 ? 0.5 : 0.6, MemoryBytes = (ulong)(i % 2 == 0 ? 256 : 300) << 20 }),
                ("cgroup v1 dry run", i => new ResizeCommand { Target = "cgroup:" + name, CpuCores = 0.7, DryRun = true }),
                ("libvirt test vcpus", i => new ResizeCommand { Target = "vm:test", CpuCores = i % 2 == 0 ? 1 : 2 }),
            ];
            foreach (var (kind, make) in kinds)
            {
                lock (handlerMs)
                {
                    handlerMs.Clear();
                }

                var trips = new double[n];
                var status = "";
                for (var i = 0; i < n; i++)
                {
                    var command = make(i);
                    command.CommandId = $"{kind}-{i}";
                    var start = Stopwatch.GetTimestamp();
                    server.Send(new AggregatorMessage { Resize = command });
                    var result = (await server.NextOfAsync(AgentMessage.BodyOneofCase.CommandResult)).Message.CommandResult;
                    trips[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    status = result.Status.ToString();
                }

                double[] inside;
                lock (handlerMs)
                {
                    inside = [.. handlerMs];
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind,-28} {status,-9} {Q(trips, 0.5),8:F3} / {Q(trips, 0.99),8:F3} / {trips.Max(),8:F3}        {Q(inside, 0.5),7:F3} / {Q(inside, 0.99),7:F3}"));
            }

            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await uplink.StopAsync(stop.Token);
        }
        finally
        {
            foreach (var root in Roots)
            {
                Directory.Delete(Path.Combine(root, name));
            }
        }

        return 0;
    }

    private static double Q(double[] values, double q)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    }
}
