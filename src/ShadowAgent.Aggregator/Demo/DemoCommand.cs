using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Aggregator.Api;
using ShadowAgent.Aggregator.Feed;
using ShadowAgent.Aggregator.Hosting;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>
/// <c>shadow-aggregator demo</c>: the aggregator in this process, the real shadow-agent binary as a child,
/// a live workload into the agent's tap, every stored profile printed as it arrives, and at the end the
/// reconciliation of what the workload sent against what the aggregator stored.
/// </summary>
internal static partial class DemoCommand
{
    private const string StreamName = "checkout";
    private const int SigTerm = 15;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var errors = new List<string>();
        var options = DemoOptions.Parse(args, errors);
        if (options.Help)
        {
            Console.WriteLine(DemoOptions.Usage);
            return 0;
        }

        if (!File.Exists(options.AgentPath))
        {
            errors.Add($"--agent: no shadow-agent binary at {options.AgentPath} (run ./install.sh first)");
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync("shadow-aggregator demo: " + error);
            }

            return 2;
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        if (options.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var workDir = Directory.CreateTempSubdirectory("shadowagent-demo-").FullName;
        Process? agent = null;
        WebApplication? app = null;
        try
        {
            app = AggregatorHost.Build(
            [
                $"--Aggregator:GrpcListen=127.0.0.1:{options.GrpcPort}",
                $"--Aggregator:HttpListen=127.0.0.1:{options.HttpPort}",
                $"--Aggregator:DatabasePath={Path.Combine(workDir, "shadow.db")}",

                // The demo's day lasts minutes: the agent's learned models are retrained every minute once 30 windows exist.
                "--Aggregator:Models:RefreshInterval=00:01:00",
                "--Aggregator:Models:MinProfiles=30",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft=Warning",
            ]);
            await app.StartAsync(CancellationToken.None);
            using var feed = app.Services.GetRequiredService<IProfileFeed>().Subscribe(4096);

            agent = StartAgent(options, workDir);
            var tap = new IPEndPoint(IPAddress.Loopback, options.TapPort);
            await WaitForListenerAsync(tap, agent, workDir, stop.Token);

            PrintHeader(options, workDir);
            var generator = new WorkloadGenerator(options.Workload);
            var started = DateTimeOffset.UtcNow;
            var load = generator.RunAsync(tap, stop.Token);
            var printer = new ProfilePrinter(options, started);
            await PrintUntilStoppedAsync(feed, printer, generator, stop.Token);
            await load;

            // Graceful stop of the agent: it closes its window early, sends it and waits for the ack.
            Console.WriteLine();
            Console.WriteLine($"stopping: the workload sent {generator.RecordsSent:N0} records; asking the agent to flush its last window…");
            _ = Kill(agent.Id, SigTerm);
            using (var exitWait = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
            {
                await agent.WaitForExitAsync(exitWait.Token);
            }

            while (feed.Reader.TryRead(out var item))
            {
                printer.Print(item);
            }

            return await ReconcileAsync(options, generator, agent.ExitCode);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.WriteLine("stopped before the workload started.");
            return 1;
        }
        catch (DemoException exception)
        {
            await Console.Error.WriteLineAsync("shadow-aggregator demo: " + exception.Message);
            return 1;
        }
        finally
        {
            if (agent is { HasExited: false })
            {
                agent.Kill(entireProcessTree: true);
                await agent.WaitForExitAsync(CancellationToken.None);
            }

            agent?.Dispose();
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }

            TryDelete(workDir);
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static Process StartAgent(DemoOptions options, string workDir)
    {
        var config = Path.Combine(workDir, "agent.json");
        File.WriteAllText(config, $$"""
            {
              "Agent": {
                "HostId": "demo-host",
                "Aggregator": { "Endpoint": "http://127.0.0.1:{{options.GrpcPort}}" },
                "Metrics": { "Listen": "127.0.0.1:{{options.TapPort + 1}}" },
                "Streams": [
                  {
                    "Name": "{{StreamName}}",
                    "Tap": { "Kind": "tcp", "Address": "127.0.0.1:{{options.TapPort}}" },
                    "Format": "ndjson",
                    "KeyFields": [ "user.id", "route", "region" ],
                    "NumericFields": [ "latency_ms", "bytes" ],
                    "Window": "00:00:{{options.WindowSeconds:D2}}",
                    "Detection": { "Warmup": 10 }
                  }
                ]
              }
            }
            """);
        var log = Path.Combine(workDir, "agent.log");
        var psi = new ProcessStartInfo("/bin/sh")
        {
            // The shell only redirects the agent's log to a file; exec leaves the agent as our direct child.
            // setsid puts it in its own session: a terminal's Ctrl-C reaches only the demo, which stops the
            // workload first and then the agent, so nothing sent is lost to the order of shutdown.
            ArgumentList = { "-c", "exec setsid \"$0\" --config \"$1\" > \"$2\" 2>&1", options.AgentPath, config, log },
            UseShellExecute = false,
        };
        return Process.Start(psi) ?? throw new DemoException("could not start " + options.AgentPath);
    }

    private static async Task WaitForListenerAsync(IPEndPoint tap, Process agent, string workDir, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (agent.HasExited)
            {
                throw new DemoException($"the agent exited with code {agent.ExitCode}:\n{ReadLog(workDir)}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(tap, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new DemoException($"the agent's tap {tap} did not open within 15 s:\n{ReadLog(workDir)}");
    }

    private static async Task PrintUntilStoppedAsync(ProfileSubscription feed, ProfilePrinter printer, WorkloadGenerator generator, CancellationToken stop)
    {
        var announcer = AnnounceIncidentAsync(printer.Options.Workload, generator, stop);
        try
        {
            await foreach (var item in feed.Reader.ReadAllAsync(stop))
            {
                printer.Print(item);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await announcer;
    }

    private static async Task AnnounceIncidentAsync(WorkloadOptions workload, WorkloadGenerator generator, CancellationToken stop)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                if (workload.InIncident(generator.ElapsedSeconds))
                {
                    Console.WriteLine($"  !! incident injected at +{generator.ElapsedSeconds:F0}s: flash sale on /api/checkout " +
                        "(25x its traffic, 4x latency, 12% 5xx) and a client release that cuts some lines short");
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<int> ReconcileAsync(DemoOptions options, WorkloadGenerator generator, int agentExitCode)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.HttpPort}") };
        var streams = await http.GetFromJsonAsync("/api/v1/streams", ApiJsonContext.Default.StreamList);
        var totals = streams?.Streams.FirstOrDefault(s => s.Name == StreamName)?.Totals;
        var stored = totals?.Records ?? 0;
        var storedErrors = totals?.Errors ?? 0;
        var dropped = totals?.DroppedRecords ?? 0;
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("reconciliation (from GET /api/v1/streams):");
        text.AppendLine(CultureInfo.InvariantCulture, $"  workload sent      {generator.RecordsSent,12:N0} records ({generator.MalformedSent:N0} deliberately malformed)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  aggregator stored  {stored,12:N0} records ({storedErrors:N0} parse errors, {dropped:N0} shed by the agent) in {totals?.Profiles ?? 0:N0} profiles");
        text.AppendLine(CultureInfo.InvariantCulture, $"  agent exit code    {agentExitCode,12}");
        var ok = stored == generator.RecordsSent && storedErrors == generator.MalformedSent && agentExitCode == 0;
        text.AppendLine(ok ? "  every record is accounted for." : "  MISMATCH: records were lost or miscounted.");
        Console.Write(text.ToString());
        return ok ? 0 : 1;
    }

    private static void PrintHeader(DemoOptions options, string workDir)
    {
        Console.WriteLine($"""
            ShadowAgent demo
              aggregator  gRPC 127.0.0.1:{options.GrpcPort}   API http://127.0.0.1:{options.HttpPort}/api/v1/streams   metrics /metrics
              agent       {options.AgentPath} (log {Path.Combine(workDir, "agent.log")}, metrics http://127.0.0.1:{options.TapPort + 1}/metrics)
              stream      '{StreamName}' on tcp 127.0.0.1:{options.TapPort}, {options.WindowSeconds}s windows, keys user.id route region
              workload    a day of checkout traffic in {options.Workload.DaySeconds:F0}s, peak {options.Workload.PeakRate:N0} records/s, incident at +{options.Workload.IncidentAtSeconds:F0}s
            Each row is one profile as the aggregator stored it. Ctrl-C stops.

            """);
        Console.WriteLine(ProfilePrinter.Header);
    }

    private static string ReadLog(string workDir)
    {
        var path = Path.Combine(workDir, "agent.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no agent log)";
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private sealed class DemoException(string message) : Exception(message);
}
