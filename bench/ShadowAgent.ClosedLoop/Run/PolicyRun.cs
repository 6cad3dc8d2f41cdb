using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ShadowAgent.ClosedLoop.Accounting;
using ShadowAgent.ClosedLoop.Cgroups;
using ShadowAgent.ClosedLoop.Load;
using ShadowAgent.ClosedLoop.SystemUnderTest;
using ShadowAgent.ClosedLoop.Trace;
using ShadowAgent.ClosedLoop.Worker;

namespace ShadowAgent.ClosedLoop.Run;

/// <summary>
/// One policy over the trace: its own cgroup, the worker in it, the real system when the policy has one, the
/// open-loop load, the cgroup sampled every 100 ms, and the measures of the measured day. Static runs only the
/// measured day (nothing learns); reactive and predictive replay the warm-up days first.
/// </summary>
internal static class PolicyRun
{
    public static async Task<PolicyResult> ExecuteAsync(ClosedLoopOptions o, LoadTrace trace, int rounds, double requestsPerCoreSecond,
        string policy, TextWriter progress, CancellationToken cancellation)
    {
        var dir = Path.Combine(o.WorkDir, policy);
        Directory.CreateDirectory(dir);
        var isStatic = policy == "static";
        var staticCores = StaticCores(trace, o);
        var startCores = isStatic ? staticCores : o.InitialCores;
        var day = trace.Spec.DaySeconds;
        var firstDay = isStatic ? trace.Spec.WarmupDays : 0;
        var arrivals = ArrivalSchedule.For(trace, firstDay, requestsPerCoreSecond, o.Seed);
        var duration = (trace.Spec.Days - firstDay) * day;
        var measuredFrom = (int)Math.Round((trace.Spec.WarmupDays - firstDay) * day);
        var measuredTo = measuredFrom + (int)Math.Floor(day);
        var rampAt = trace.RampStart - (firstDay * day);
        var notes = new List<string>();

        using var cgroup = BenchCgroup.Create($"{o.RunName}-{policy}", o.Shares);
        cgroup.SetCpuLimit(startCores);
        ShadowSystem? system = null;
        if (!isStatic)
        {
            system = await StartSystemAsync(o, policy, cgroup, startCores, requestsPerCoreSecond, dir, cancellation);
        }

        try
        {
            using var worker = WorkerProcess.Start(rounds, cgroup);
            var log = new LatencyLog((int)Math.Ceiling(duration) + 1);
            using var tap = system is null ? null : TapWriter.Connect(system.Ports.Tap);
            using var access = system is null ? null : TapWriter.Connect(system.Ports.AccessTap);
            var origin = Stopwatch.GetTimestamp();
            var startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using var sampler = new CgroupSampler(cgroup, TimeSpan.FromMilliseconds(100), origin);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var load = new LoadGenerator(worker.Port, o.Connections, o.MaxInFlight, log, tap, access, origin);
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{policy}] {arrivals.Length} requests over {duration:F0} s (measured {measuredFrom}-{measuredTo} s, ramp at {rampAt:F0} s), limit {startCores:F2} cores, work in {dir}"));
            var monitor = Task.Run(() => Monitor(policy, trace, firstDay, load, sampler, system, progress, stop), CancellationToken.None);
            try
            {
                load.Run(arrivals, TimeSpan.FromSeconds(3), stop.Token);
            }
            finally
            {
                load.Dispose();
                await stop.CancelAsync();
                await monitor;
            }

            cancellation.ThrowIfCancellationRequested();

            if (system is not null && !system.Alive(out var why))
            {
                notes.Add(why);
            }

            var samples = sampler.Samples();
            if (sampler.Errors > 0)
            {
                notes.Add($"{sampler.Errors} cgroup samples could not be read");
            }

            DecisionSummary? decisions = null;
            if (system is not null)
            {
                var (ok, body) = await system.GetAsync("/api/v1/decisions?limit=1000", cancellation);
                await File.WriteAllTextAsync(Path.Combine(dir, "decisions.json"), body, cancellation);
                if (ok)
                {
                    decisions = DecisionSummary.Parse(body);
                }
                else
                {
                    notes.Add($"decisions API: {body}");
                }

                var targets = await system.GetAsync("/api/v1/targets", cancellation);
                await File.WriteAllTextAsync(Path.Combine(dir, "targets.json"), targets.Body, cancellation);
            }

            if (access is { Failed: true })
            {
                notes.Add($"the access log's copy to the agent's tap stopped: {access.Error}");
            }

            if (tap is { Failed: true })
            {
                notes.Add($"the arrivals' copy to the agent's tap stopped: {tap.Error}");
            }

            return Measure(o, policy, startCores, samples, log, decisions, startUnixMs, measuredFrom, measuredTo, rampAt, tap?.Lines ?? 0, dir, notes);
        }
        finally
        {
            system?.Dispose();
        }
    }

    /// <summary>The static policy's limit: the measured day's peak demand with headroom, at most the host.</summary>
    public static double StaticCores(LoadTrace trace, ClosedLoopOptions o) =>
        Math.Round(Math.Min(o.HostCores, trace.MeasuredPeakCores() * (1 + o.StaticHeadroom)), 2);

    internal static PolicyResult Measure(ClosedLoopOptions o, string policy, double startCores, List<CgroupSample> samples, LatencyLog log,
        DecisionSummary? decisions, long startUnixMs, int from, int to, double rampAt, long tapLines, string dir, List<string> notes)
    {
        var verdicts = SloAccounting.Judge(log.Latencies, log.Failed, samples, from, to, o.SloMs, o.ThrottleMs / 1000);
        var provisioned = SloAccounting.CoreSeconds(samples, from, to, o.HostCores);
        var all = new List<float>();
        var csv = new StringBuilder("second,requests,p99_ms,failed,throttled_s,limit_cores,used_cores\n");
        foreach (var v in verdicts)
        {
            all.AddRange(log.Latencies(v.Second));
            var limit = SloAccounting.CoreSeconds(samples, v.Second, v.Second + 1, o.HostCores);
            var used = SloAccounting.UsedCoreSeconds(samples, v.Second, v.Second + 1);
            csv.Append(CultureInfo.InvariantCulture, $"{v.Second},{v.Requests},{v.P99Ms:0.###},{v.Failed},{v.ThrottledSeconds:0.####},{limit:0.###},{used:0.###}\n");
        }

        File.WriteAllText(Path.Combine(dir, "seconds.csv"), csv.ToString());
        all.Sort();
        double? Quantile(double q) => all.Count == 0 ? null : all[Math.Clamp((int)Math.Ceiling(q * all.Count) - 1, 0, all.Count - 1)];
        double? Relative(double? t, double origin) => t is { } v ? Math.Round(v - origin, 2) : null;
        var rampFrom = rampAt - o.PreRamp;
        var rampTo = rampAt + o.Trace.RampRise + o.Trace.RampHold + o.Trace.RampFall + 30;
        double ToRun(long unixMs) => (unixMs - startUnixMs) / 1000.0;
        return new PolicyResult
        {
            Policy = policy,
            StartCores = startCores,
            MeasuredSeconds = verdicts.Length,
            ViolationSeconds = verdicts.Count(v => v.Violated),
            LatencyViolationSeconds = verdicts.Count(v => v.LatencyBreach),
            FailureViolationSeconds = verdicts.Count(v => v.FailureBreach),
            ThrottleViolationSeconds = verdicts.Count(v => v.ThrottleBreach),
            CoreSecondsProvisioned = Math.Round(provisioned, 2),
            MeanProvisionedCores = Math.Round(provisioned / Math.Max(1, to - from), 3),
            CoreSecondsUsed = Math.Round(SloAccounting.UsedCoreSeconds(samples, from, to), 2),
            ResizeActions = SloAccounting.LimitChanges(samples, from, to, o.HostCores),
            ResizeActionsWholeRun = SloAccounting.LimitChanges(samples, double.NegativeInfinity, double.PositiveInfinity, o.HostCores),
            DecisionsSent = decisions?.Actions.Count(a => a.Sent && ToRun(a.DecidedMs) >= from && ToRun(a.DecidedMs) < to),
            DecisionsWholeRun = decisions?.Sent,
            FirstScaleUpVsRamp = Relative(SloAccounting.FirstIncrease(samples, rampFrom, rampTo, o.HostCores), rampAt),
            FirstUpDecisionVsRamp = Relative(decisions?.Actions.Where(a => a.Action == "up" && ToRun(a.DecidedMs) >= rampFrom && ToRun(a.DecidedMs) < rampTo)
                .Select(a => (double?)ToRun(a.DecidedMs)).FirstOrDefault(), rampAt),
            FirstScaleUpInDay = Relative(SloAccounting.FirstIncrease(samples, from, to, o.HostCores), from),
            Requests = verdicts.Sum(v => (long)v.Requests),
            Failed = verdicts.Sum(v => (long)v.Failed),
            P50Ms = Quantile(0.5),
            P99Ms = Quantile(0.99),
            P999Ms = Quantile(0.999),
            TapLines = tapLines,
            Directory = dir,
            Notes = notes,
        };
    }

    private static async Task<ShadowSystem> StartSystemAsync(ClosedLoopOptions o, string policy, BenchCgroup cgroup, double startCores,
        double requestsPerCoreSecond, string dir, CancellationToken cancellation)
    {
        var ports = SystemPorts.Free();
        var agent = SystemConfig.Agent(ports, cgroup.Roots, cgroup.Name, o.HostCores);
        var aggregator = SystemConfig.Aggregator(ports, Path.Combine(dir, "shadow.db"), cgroup.Name, o.HostCores, startCores, requestsPerCoreSecond, o.SloMs);
        var policyFile = Path.Combine(o.PolicyDir, policy + ".json");
        if (File.Exists(policyFile))
        {
            var fragment = JsonNode.Parse(await File.ReadAllTextAsync(policyFile, cancellation)) as JsonObject
                ?? throw new InvalidDataException($"{policyFile}: not a JSON object");
            if (fragment["aggregator"] is JsonObject a)
            {
                JsonConfig.Merge(aggregator, a);
            }

            if (fragment["agent"] is JsonObject g)
            {
                JsonConfig.Merge(agent, g);
            }
        }

        foreach (var (path, value) in o.AgentSettings)
        {
            JsonConfig.Set(agent, path, value);
        }

        foreach (var (path, value) in o.AggregatorSettings)
        {
            JsonConfig.Set(aggregator, path, value);
        }

        return await ShadowSystem.StartAsync(o.AggregatorPath, o.AgentPath, aggregator, agent, ports, dir, cancellation);
    }

    private static async Task Monitor(string policy, LoadTrace trace, int firstDay, LoadGenerator load, CgroupSampler sampler, ShadowSystem? system,
        TextWriter progress, CancellationTokenSource stop)
    {
        var lastAnswered = 0L;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stop.Token);
                var samples = sampler.Samples();
                if (samples.Count == 0)
                {
                    continue;
                }

                var now = samples[^1];
                var step = Math.Clamp((int)((now.T / trace.Spec.StepSeconds) + (firstDay * trace.StepsPerDay)), 0, trace.Cores.Length - 1);
                var answered = load.Answered;
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{policy}] t={now.T,6:F0} s  demand {trace.Cores[step]:F2}  limit {(now.LimitCores is { } l ? l.ToString("F2", CultureInfo.InvariantCulture) : "max")}  answered/s {(answered - lastAnswered) / 10.0:F0}  in flight {load.InFlight}  shed {load.Shed}"));
                lastAnswered = answered;
                if (system is not null && !system.Alive(out var why))
                {
                    progress.WriteLine($"[{policy}] stopping: {why}");
                    await stop.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
