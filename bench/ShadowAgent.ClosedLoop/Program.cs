using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using ShadowAgent.ClosedLoop.Cgroups;
using ShadowAgent.ClosedLoop.Run;
using ShadowAgent.ClosedLoop.Trace;
using ShadowAgent.ClosedLoop.Worker;

namespace ShadowAgent.ClosedLoop;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "worker")
        {
            return WorkerServer.Run(args[1..]);
        }

        if (args.Any(a => a is "-h" or "--help"))
        {
            Console.Out.WriteLine(ClosedLoopOptions.Usage);
            return 0;
        }

        ClosedLoopOptions options;
        LoadTrace trace;
        try
        {
            options = ClosedLoopOptions.Parse(args);
            using var reader = new StreamReader(options.TracePath);
            trace = TraceShaper.Shape(NabCsv.Read(reader, options.TracePath), options.Trace);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            Console.Error.WriteLine($"closed-loop: {e.Message}");
            return 2;
        }

        if (!IsRoot())
        {
            Console.Error.WriteLine("closed-loop: the benchmark creates cgroups under /sys/fs/cgroup and must run as root (sudo).");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return await RunAsync(options, trace, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("closed-loop: interrupted; cgroups removed.");
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException or SocketException or InvalidDataException)
        {
            Console.Error.WriteLine($"closed-loop: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(ClosedLoopOptions o, LoadTrace trace, CancellationToken cancellation)
    {
        Directory.CreateDirectory(o.WorkDir);

        // This program (the load generator), the agent and the aggregator it starts share one unlimited cgroup beside the worker's.
        using var harness = BenchCgroup.Create(o.RunName + "-harness", o.Shares);
        harness.Add(Environment.ProcessId);
        try
        {
            return await RunInCgroupAsync(o, trace, cancellation);
        }
        finally
        {
            harness.Release(Environment.ProcessId);
        }
    }

    private static async Task<int> RunInCgroupAsync(ClosedLoopOptions o, LoadTrace trace, CancellationToken cancellation)
    {
        var rounds = CpuWork.Calibrate(o.WorkMs);
        var (serialMs, pacedMs, cpuMs, perCore) = Calibration.Measure(rounds, o.RunName + "-calibrate", o.Shares, o.Connections);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"closed-loop {o.RunName}: {Path.GetFileName(o.TracePath)} from {o.Trace.Start:yyyy-MM-dd HH:mm}Z, {o.Trace.WarmupDays} warm-up day(s) + 1 measured, {o.Trace.DaySeconds:F0} s per day; {rounds} SHA-256 rounds per request = {cpuMs:F3} ms CPU measured (one at a time {serialMs:F3} ms, paced over {o.Connections} connections {pacedMs:F3} ms; {perCore:F0} requests per core-second)"));
        var results = new List<PolicyResult>();
        foreach (var policy in o.Policies)
        {
            results.Add(await PolicyRun.ExecuteAsync(o, trace, rounds, perCore, policy, Console.Out, cancellation));
        }

        var result = new BenchmarkResult
        {
            Run = o.RunName,
            Trace = Path.GetFullPath(o.TracePath),
            Start = o.Trace.Start,
            WarmupDays = o.Trace.WarmupDays,
            DaySeconds = o.Trace.DaySeconds,
            RampAtSeconds = o.Trace.RampAt * o.Trace.DaySeconds,
            RampFactor = o.Trace.RampFactor,
            RampEveryDay = o.Trace.RampEveryDay,
            PeakCores = o.Trace.PeakCores,
            MeasuredPeakDemandCores = Math.Round(trace.MeasuredPeakCores(), 3),
            MeasuredMeanDemandCores = Math.Round(trace.MeasuredMeanCores(), 3),
            Rounds = rounds,
            CpuMsPerRequest = Math.Round(cpuMs, 4),
            SerialCpuMsPerRequest = Math.Round(serialMs, 4),
            PacedCpuMsPerRequest = Math.Round(pacedMs, 4),
            RequestsPerCoreSecond = Math.Round(perCore, 1),
            SloMs = o.SloMs,
            ThrottleMs = o.ThrottleMs,
            HostCores = o.HostCores,
            Seed = o.Seed,
            Policies = results,
            Comparison = Report.Compare(results),
        };
        Report.Print(Console.Out, result);
        await File.WriteAllTextAsync(o.Out, JsonSerializer.Serialize(result, ResultJsonContext.Default.BenchmarkResult), cancellation);
        Console.Out.WriteLine($"result: {Path.GetFullPath(o.Out)}; per-second records, configs, logs and decisions under {o.WorkDir}");
        return 0;
    }

    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[2] == "0";
}
