using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Aggregator.Api;
using ShadowAgent.Aggregator.Feed;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Aggregator.Orchestration;

namespace ShadowAgent.Aggregator.Demo;

/// <summary>
/// <c>shadow-aggregator demo</c>: the aggregator in this process, the real shadow-agent binary as a child,
/// a live workload into the agent's tap, every stored profile printed as it arrives, and at the end the
/// reconciliation of what the workload sent against what the aggregator stored.
/// </summary>
internal static partial class DemoCommand
{
    private const string StreamName = "checkout";
    private const string ProbeStream = "checkout-cgroup";
    private const string TargetName = "checkout-web";
    private const string HostId = "demo-host";
    private const double CapacityThreshold = 0.8;
    private const double DownscaleThreshold = 0.4;
    private const int SigTerm = 15;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count > 0 && args[0] == "worker")
        {
            return DemoWorker.Run([.. args.Skip(1)]);
        }

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
        // One simulated day by default: the demo shows a whole day's decisions and stops by itself.
        var duration = options.Duration ?? TimeSpan.FromSeconds(options.Workload.DaySeconds);
        if (duration > TimeSpan.Zero)
        {
            stop.CancelAfter(duration);
        }

        var workDir = Directory.CreateTempSubdirectory("shadowagent-demo-").FullName;
        Process? agent = null;
        Process? worker = null;
        WebApplication? app = null;
        DemoCgroup? cgroup = null;
        var dryRun = options.DryRun || GetEuid() != 0;
        try
        {
            // The checkout service's cgroup: real (root), or a stand-in directory the agent resizes in dry-run mode.
            StandInCgroup? standIn = null;
            IReadOnlyList<string> roots;
            if (dryRun)
            {
                standIn = new StandInCgroup(workDir, options.InitialCores);
                roots = [standIn.Root];
            }
            else
            {
                cgroup = CreateCgroup(options);
                roots = cgroup.Roots;
            }

            worker = await StartWorkerAsync(options, stop.Token);
            cgroup?.Add(worker.Id);

            app = AggregatorHost.Build(
            [
                $"--Aggregator:GrpcListen=127.0.0.1:{options.GrpcPort}",
                $"--Aggregator:HttpListen=127.0.0.1:{options.HttpPort}",
                $"--Aggregator:DatabasePath={Path.Combine(workDir, "shadow.db")}",
                "--Aggregator:HeartbeatInterval=00:00:01",

                // The demo's day lasts minutes: the agent's learned models are retrained every minute once 30 windows exist.
                "--Aggregator:Models:RefreshInterval=00:01:00",
                "--Aggregator:Models:MinProfiles=30",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft=Warning",
                .. OrchestratorArgs(options),
            ]);
            await app.StartAsync(CancellationToken.None);
            using var feed = app.Services.GetRequiredService<IProfileFeed>().Subscribe(4096);

            agent = StartAgent(options, workDir, roots, dryRun);
            var tap = new IPEndPoint(IPAddress.Loopback, options.TapPort);
            await WaitForListenerAsync(tap, agent, workDir, stop.Token);

            PrintHeader(options, workDir, dryRun, cgroup, standIn, worker.Id);
            var generator = new WorkloadGenerator(options.Workload);
            var started = DateTimeOffset.UtcNow;
            var load = generator.RunAsync(tap, stop.Token);

            // A workload that fails (the agent closed its tap) ends the demo now, with the agent's log, not at the end of its day.
            _ = load.ContinueWith(_ => stop.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            var pump = PumpAsync(generator, worker, standIn, stop.Token);
            var printer = new ProfilePrinter(options, started);
            var decisions = new DecisionPrinter(app.Services.GetRequiredService<OrchestratorStore>(), TargetName, options.Workload, started, CapacityThreshold, DownscaleThreshold);
            var decisionLoop = decisions.RunAsync(stop.Token);
            await PrintUntilStoppedAsync(feed, printer, generator, stop.Token);
            try
            {
                await load;
            }
            catch (DemoException exception)
            {
                throw new DemoException($"{exception.Message}\n{ReadLog(workDir)}");
            }

            await pump;
            await decisionLoop;

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
                Print(printer, item);
            }

            decisions.Poll(DateTimeOffset.UtcNow, final: true);
            Console.WriteLine();
            Console.WriteLine($"orchestrator: {decisions.Decisions} resize decisions, {decisions.Results} answered by the agent " +
                $"({(dryRun ? "dry run: nothing was resized" : "applied to the real cgroup")}); all of them: GET http://127.0.0.1:{options.HttpPort}/api/v1/decisions");
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
            await StopWorkerAsync(worker);
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }

            cgroup?.Dispose();
            TryDelete(workDir);
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static Process StartAgent(DemoOptions options, string workDir, IReadOnlyList<string> cgroupRoots, bool dryRun)
    {
        var config = Path.Combine(workDir, "agent.json");
        var roots = string.Join(", ", cgroupRoots.Select(r => "\"" + JsonEncodedText.Encode(r) + "\""));
        var maxCores = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(config, $$"""
            {
              "Agent": {
                "HostId": "{{HostId}}",
                "Aggregator": { "Endpoint": "http://127.0.0.1:{{options.GrpcPort}}", "HeartbeatInterval": "00:00:01" },
                "Metrics": { "Listen": "127.0.0.1:{{options.MetricsPort}}" },
                "Streams": [
                  {
                    "Name": "{{StreamName}}",
                    "Tap": { "Kind": "tcp", "Address": "127.0.0.1:{{options.TapPort}}" },
                    "Format": "ndjson",
                    "KeyFields": [ "user.id", "route", "region" ],
                    "NumericFields": [ "latency_ms", "bytes" ],
                    "Window": "00:00:{{options.WindowSeconds:D2}}",
                    "Detection": { "Warmup": 10 }
                  },
                  {
                    "Name": "{{ProbeStream}}",
                    "Tap": { "Kind": "probe", "Probe": { "Target": "cgroup:{{DemoCgroup.Name}}", "Interval": "00:00:00.5", "CgroupRoots": [ {{roots}} ] } },
                    "NumericFields": [ "cpu.cores_used", "cpu.limit_cores", "cpu.util", "cpu.throttled_ratio", "cpu.throttled_s" ],
                    "Window": "00:00:{{options.WindowSeconds:D2}}",
                    "Detection": { "Warmup": 10 },
                    "Forecast": { "Field": "cpu.cores_used" }
                  }
                ],
                "Actuation": {
                  "Enabled": true,
                  "DryRun": {{(dryRun ? "true" : "false")}},
                  "CgroupRoots": [ {{roots}} ],
                  "MinCpuCores": 0.1,
                  "MaxCpuCores": {{maxCores}},
                  "MaxCommandsPerMinute": 600
                }
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
                if (!Equals(probe.LocalEndPoint, probe.RemoteEndPoint))
                {
                    return;
                }

                // TCP simultaneous open: with nothing listening yet, a connect to a port in the ephemeral range can be
                // given that same port as its source and connect to itself, which holds the port the agent is about
                // to bind. Drop it and wait for the real listener.
                probe.Close();
                await Task.Delay(50, cancellationToken);
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
                Print(printer, item);
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

    private static void Print(ProfilePrinter printer, StoredProfile item)
    {
        if (item.Stream == ProbeStream)
        {
            printer.ObserveResource(item);
        }
        else if (item.Stream == StreamName)
        {
            printer.Print(item);
        }
    }

    /// <summary>
    /// The in-process orchestrator's one target: the checkout cgroup on the agent's host, sized from its probe stream
    /// and the checkout stream's rate, anomaly score and forecasts. Cooldowns are in demo time: a simulated hour
    /// passes in DaySeconds/24 real seconds, so they are a few windows long.
    /// </summary>
    private static IEnumerable<string> OrchestratorArgs(DemoOptions options)
    {
        var t = $"--Aggregator:Orchestrator:Targets:{TargetName}:";
        var window = options.WindowSeconds;
        string Span(int seconds) => TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);
        string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
        return
        [
            "--Aggregator:Orchestrator:Enabled=true",
            $"--Aggregator:Orchestrator:SettleTime={Span(5 * window)}",
            $"{t}Host={HostId}",
            $"{t}Target=cgroup:{DemoCgroup.Name}",
            $"{t}ResourceStream={ProbeStream}",
            $"{t}WorkloadStreams:0={StreamName}",
            $"{t}MinCpuCores=0.25",
            $"{t}MaxCpuCores={Number(MaxCores())}",
            $"{t}InitialCpuCores={Number(options.InitialCores)}",
            $"{t}RecordsPerCoreSecond={Number(options.RecordsPerCore)}",
            $"{t}CooldownUp={Span(2 * window)}",
            $"{t}CooldownDown={Span(5 * window)}",
            $"{t}CapacityThreshold={Number(CapacityThreshold)}",
            $"{t}DownscaleThreshold={Number(DownscaleThreshold)}",
            $"{t}Hysteresis=3",

            // HPA's five-minute scale-down stabilization would outlast the compressed day; five windows keep its shape.
            $"{t}DownscaleStabilization={Span(5 * window)}",

            // The worker's threads take work in bursts within each 100 ms CFS period, so a limit well above the mean use
            // still throttles some periods; a quarter of the periods is what signals a real shortage here.
            $"{t}ThrottlingThreshold=0.25",
            $"{t}MaxActionsPerHour=3600",
            $"{t}SloField=latency_ms",
            $"{t}SloThreshold=250",
        ];
    }

    /// <summary>The most the demo's cgroup may grow to: three quarters of the machine, leaving the agent, aggregator and workload room.</summary>
    private static double MaxCores() => Math.Max(0.5, Math.Round(Environment.ProcessorCount * 0.75, 2));

    private static DemoCgroup CreateCgroup(DemoOptions options)
    {
        try
        {
            var cgroup = DemoCgroup.Create();
            cgroup.SetCpuLimit(options.InitialCores);
            return cgroup;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DemoException($"could not create the cgroup {DemoCgroup.Name}: {exception.Message} (--dry-run runs without it)");
        }
    }

    /// <summary>Starts this executable as <c>demo worker</c> and waits until it has calibrated its work.</summary>
    private static async Task<Process> StartWorkerAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        var self = Path.Combine(AppContext.BaseDirectory, "shadow-aggregator");
        var psi = new ProcessStartInfo(File.Exists(self) ? self : Environment.ProcessPath ?? self)
        {
            ArgumentList = { "demo", "worker", options.RecordsPerCore.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var worker = Process.Start(psi) ?? throw new DemoException("could not start the checkout worker " + psi.FileName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var ready = await worker.StandardOutput.ReadLineAsync(timeout.Token);
        if (ready != "ready")
        {
            worker.Kill();
            throw new DemoException($"the checkout worker {psi.FileName} did not start (said '{ready}')");
        }

        return worker;
    }

    private static async Task StopWorkerAsync(Process? worker)
    {
        if (worker is null)
        {
            return;
        }

        try
        {
            // Closing stdin is the worker's stop signal.
            worker.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await worker.WaitForExitAsync(wait.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!worker.HasExited)
            {
                worker.Kill();
                await worker.WaitForExitAsync(CancellationToken.None);
            }
        }

        worker.Dispose();
    }

    /// <summary>
    /// Every 20 ms (the workload's own tick) hands the worker the records sent since, so its work arrives as smoothly as
    /// the records do; every 100 ms keeps a stand-in cgroup's usage current.
    /// </summary>
    private static async Task PumpAsync(WorkloadGenerator generator, Process worker, StandInCgroup? standIn, CancellationToken stop)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        long handed = 0;
        var ticks = 0;
        try
        {
            while (await tick.WaitForNextTickAsync(stop))
            {
                var sent = generator.RecordsSent;
                if (sent > handed)
                {
                    await worker.StandardInput.WriteLineAsync((sent - handed).ToString(CultureInfo.InvariantCulture));
                    await worker.StandardInput.FlushAsync(stop);
                    handed = sent;
                }

                if (standIn is not null && ++ticks % 5 == 0)
                {
                    worker.Refresh();
                    standIn.Update(worker.TotalProcessorTime);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException)
        {
            Console.WriteLine($"  !! the checkout worker stopped taking work: {exception.Message}");
        }
    }

    private static void PrintHeader(DemoOptions options, string workDir, bool dryRun, DemoCgroup? cgroup, StandInCgroup? standIn, int workerPid)
    {
        var actuation = cgroup is not null
            ? $"real: cgroup {(cgroup.IsV2 ? "v2" : "v1")} {string.Join(", ", cgroup.Directories)}, limit {options.InitialCores:F2} cores, worker pid {workerPid} inside"
            : $"DRY RUN{(options.DryRun ? "" : " (not root: cgroups cannot be created)")}: the agent answers DRY_RUN and changes nothing; " +
              $"a stand-in cgroup under {standIn!.Root} mirrors the worker's CPU time (pid {workerPid}, unconfined)";
        Console.WriteLine($"""
            ShadowAgent demo
              aggregator  gRPC 127.0.0.1:{options.GrpcPort}   API http://127.0.0.1:{options.HttpPort}/api/v1/streams   metrics /metrics
              agent       {options.AgentPath} (log {Path.Combine(workDir, "agent.log")}, metrics http://127.0.0.1:{options.MetricsPort}/metrics)
              stream      '{StreamName}' on tcp 127.0.0.1:{options.TapPort}, {options.WindowSeconds}s windows, keys user.id route region
              probe       '{ProbeStream}': cgroup:{DemoCgroup.Name} every 0.5 s (cpu used, limit, utilization, throttling)
              workload    a day of checkout traffic in {options.Workload.DaySeconds:F0}s, peak {options.Workload.PeakRate:N0} records/s, incident at +{options.Workload.IncidentAtSeconds:F0}s
              worker      the checkout service's CPU work, {options.RecordsPerCore:N0} records per core-second, fed the workload's records
              actuation   {actuation}
              orchestrator target '{TargetName}' ({options.InitialCores:F2} cores, 0.25–{MaxCores():F2}): anomaly, utilization, throttling and forecast rules; decisions: http://127.0.0.1:{options.HttpPort}/api/v1/decisions
            Each row is one profile as the aggregator stored it; '>>' rows are the orchestrator's resize decisions with the agent's answer. Ctrl-C stops.

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

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
