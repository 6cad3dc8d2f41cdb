using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Grpc.Net.Client;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Aggregator.Orchestration;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Benchmarks.Orchestration;

/// <summary>
/// <c>scenario decision-latency [decisions]</c>: the real aggregator on loopback with one orchestrated target and a
/// gRPC agent that sends one probe profile per window, each of which (utilization 0.95 at a 2-core limit) makes the
/// orchestrator scale up and send a ResizeCommand. Reports the orchestrator's own measurement — profile stored
/// (feed publish, right after the commit) → command queued on the agent's outbound queue — from its histogram, and
/// the agent's view: batch written → ResizeCommand read (gRPC both ways, the batch's fsync included).
/// </summary>
internal static class DecisionLatencyScenario
{
    public static int Run(string[] args)
    {
        var measured = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        return RunAsync(measured).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int measured)
    {
        const int warm = 200;
        var directory = Path.Combine(Path.GetTempPath(), "shadow-decision-latency", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var internalMs = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == OrchestratorMetrics.DecisionLatencyName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "action" && (string?)tag.Value == "up")
                {
                    lock (internalMs)
                    {
                        internalMs.Add(value);
                    }
                }
            }
        });
        listener.Start();

        string[] config =
        [
            "--Aggregator:GrpcListen=127.0.0.1:0", "--Aggregator:HttpListen=127.0.0.1:0",
            $"--Aggregator:DatabasePath={Path.Combine(directory, "shadow.db")}", "--Logging:LogLevel:Default=Warning",
            "--Aggregator:Orchestrator:Enabled=true",
            "--Aggregator:Orchestrator:Targets:web:Host=bench-host",
            "--Aggregator:Orchestrator:Targets:web:Target=cgroup:shadow/web",
            "--Aggregator:Orchestrator:Targets:web:ResourceStream=web-probe",
            "--Aggregator:Orchestrator:Targets:web:WorkloadStreams:0=orders",
            "--Aggregator:Orchestrator:Targets:web:InitialCpuCores=2",
            "--Aggregator:Orchestrator:Targets:web:CooldownUp=00:00:00",
            "--Aggregator:Orchestrator:Targets:web:MaxActionsPerHour=3600",
        ];
        await using var app = AggregatorHost.Build(config);
        await app.StartAsync();
        try
        {
            var endpoints = (ListenEndpoints)app.Services.GetService(typeof(ListenEndpoints))!;
            using var channel = GrpcChannel.ForAddress(endpoints.GrpcUri);
            using var call = new AgentLink.AgentLinkClient(channel).Connect();
            var hello = new Hello
            {
                HostId = "bench-host", HostName = "bench", AgentVersion = "bench", ProtocolVersion = 1, SessionEpoch = 1,
                Streams = { new StreamDescriptor { Name = "web-probe", Tap = "probe", WindowMs = 1000 } },
            };
            await call.RequestStream.WriteAsync(new AgentMessage { Hello = hello });
            await call.ResponseStream.MoveNext(CancellationToken.None);

            var roundTrip = new List<double>();
            var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
            for (var i = 0; i < warm + measured; i++)
            {
                var profile = new ShadowProfile
                {
                    Stream = "web-probe", WindowStartUnixMs = t0 + (i * 1000L), WindowEndUnixMs = t0 + ((i + 1) * 1000L), CoveredMs = 1000,
                    Volume = new VolumeCounters { Records = 1, Parsed = 1, RatePerSecond = 1 },
                    Numeric =
                    {
                        Numeric("cpu.util", 0.95), Numeric("cpu.cores_used", 1.9), Numeric("cpu.limit_cores", 2),
                        Numeric("cpu.throttled_ratio", 0.2),
                    },
                };
                var start = Stopwatch.GetTimestamp();
                await call.RequestStream.WriteAsync(new AgentMessage { Profiles = new ProfileBatch { Sequence = (ulong)(i + 1), Profiles = { profile } } });
                ResizeCommand? command = null;
                while (command is null && await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    command = call.ResponseStream.Current.Resize;
                }

                if (i >= warm)
                {
                    roundTrip.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }

                // The agent's answer: applied (the next window's probe reports the 2-core limit again, so every window scales up).
                await call.RequestStream.WriteAsync(new AgentMessage
                {
                    CommandResult = new CommandResult
                    {
                        CommandId = command!.CommandId, Status = CommandResult.Types.Status.Applied,
                        Before = { ["cpu_cores"] = "2" }, After = { ["cpu_cores"] = "3" },
                    },
                });
            }

            await call.RequestStream.CompleteAsync();
            List<double> decided;
            lock (internalMs)
            {
                decided = internalMs.Skip(warm).ToList();
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decisions measured: {decided.Count} (after {warm} warm-up), machine: {Environment.ProcessorCount} cores"));
            Print("profile stored -> command queued (orchestrator histogram)", decided);
            Print("agent: batch written -> ResizeCommand read (gRPC, store commit)", roundTrip);
            return 0;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static NumericSummary Numeric(string field, double value) =>
        new() { Field = field, Count = 1, Mean = value, Min = value, Max = value, Sum = value, P50 = value, P90 = value, P99 = value };

    private static void Print(string label, List<double> values)
    {
        values.Sort();
        double Quantile(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: p50 {Quantile(0.5):F3} ms, p90 {Quantile(0.9):F3} ms, p99 {Quantile(0.99):F3} ms, max {values[^1]:F3} ms, mean {values.Average():F3} ms"));
    }
}
