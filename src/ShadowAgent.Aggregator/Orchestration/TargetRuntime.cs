using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// The live state of one target: its newest measurements, its workload streams, its action history, the learned
/// parameters and the decisions whose outcomes are still being measured. Guarded by <see cref="Gate"/>: profiles are
/// applied by the orchestrator's loop, command results by the ingest streams.
/// </summary>
internal sealed class TargetRuntime
{
    private const long HourMs = 3_600_000;

    /// <summary>
    /// How far ahead a rising workload is projected, in windows: the window the decision is made in, the one its command
    /// lands in, and the one after it (an up cooldown of a couple of windows holds the size that long).
    /// </summary>
    private const int TrendLeadWindows = 3;

    private readonly OrchestratorOptions _orchestrator;

    public TargetRuntime(string name, TargetOptions options, OrchestratorOptions orchestrator)
    {
        Name = name;
        Options = options;
        _orchestrator = orchestrator;
        Learned = LearnedParameters.From(options);
        CpuCores = options.InitialCpuCores;
        foreach (var stream in options.WorkloadStreams)
        {
            Workloads[stream] = new WorkloadState(orchestrator.Horizon);
        }
    }

    public object Gate { get; } = new();

    public string Name { get; }

    public TargetOptions Options { get; }

    public LearnedParameters Learned { get; set; }

    public ForecasterScores Scores { get; } = new();

    /// <summary>Cores the target has as far as the orchestrator knows (probe limit, else the last applied command).</summary>
    public double CpuCores { get; set; }

    public long MemoryBytes { get; set; }

    public double? CpuUtilization { get; private set; }

    public double? CoresUsed { get; private set; }

    public double? ThrottledRatio { get; private set; }

    public double? CpuPressure { get; private set; }

    public double? MemoryUtilization { get; private set; }

    public double? MemoryPressure { get; private set; }

    public Dictionary<string, WorkloadState> Workloads { get; } = new(StringComparer.Ordinal);

    /// <summary>Newest window end seen on any of the target's streams: the policy's clock.</summary>
    public long NowMs { get; private set; } = long.MinValue;

    public List<(long Ms, ScaleAction Action)> Actions { get; } = [];

    public int LowWindows { get; private set; }

    public long LowWindowsAtMs { get; private set; } = long.MinValue;

    public List<PendingOutcome> Pending { get; } = [];

    public Dictionary<string, double> CommandedFrom { get; } = new(StringComparer.Ordinal);

    public string? LastForecaster { get; private set; }

    public double? LastForecastPeak { get; private set; }

    public int Evaluations { get; set; }

    /// <summary>
    /// Policy time (window end) of the newest command that changed the believed size, or null. Probe windows that began
    /// before it, plus one window for the command to reach the agent, still report the old limit and are not believed.
    /// </summary>
    public long? CommandedAtMs { get; private set; }

    /// <summary>What each recent window's demand called for (<see cref="Decision.NeededCpuCores"/>), for the scale-down stabilization.</summary>
    private readonly List<(long Ms, double Cores)> _needs = [];

    /// <summary>The moving mean of the cores used in the windows the capacity model learned from (its weight).</summary>
    private double _capacityCores;

    public long? LastUpMs => Last(ScaleAction.Up);

    public long? LastDownMs => Last(ScaleAction.Down);

    /// <summary>The newest window of the target's mirror stream (<see cref="TargetOptions.ShadowStream"/>).</summary>
    public Mirror.ShadowComparison Shadow { get; } = new();

    /// <summary>Applies a mirror-stream profile: the shadow comparison, and the policy's clock.</summary>
    public void ObserveShadow(ShadowProfile profile)
    {
        Shadow.Observe(profile);
        Advance(profile.WindowEndUnixMs);
    }

    /// <summary>Applies a resource-stream profile (the probe's measurements of the target).</summary>
    public void ObserveResource(ShadowProfile profile)
    {
        double? limit = null;
        double? memoryLimit = null;
        CpuUtilization = CoresUsed = ThrottledRatio = CpuPressure = MemoryUtilization = MemoryPressure = null;
        foreach (var n in profile.Numeric)
        {
            if (n.Count == 0)
            {
                continue;
            }

            switch (n.Field)
            {
                case "cpu.util": CpuUtilization = n.Mean; break;
                case "cpu.cores_used": CoresUsed = n.Mean; break;
                case "cpu.throttled_ratio": ThrottledRatio = n.Mean; break;
                case "psi.cpu.some_avg10": CpuPressure = n.Mean; break;
                case "mem.util": MemoryUtilization = n.Mean; break;
                case "psi.memory.some_avg10": MemoryPressure = n.Mean; break;
                case "cpu.limit_cores": limit = n.Max; break;
                case "mem.limit_bytes": memoryLimit = n.Max; break;
            }
        }

        // The probe's limit is the truth of what the target has; the newest window's maximum covers a change inside it.
        // Except a window that began before the newest command had a full window to land: it reports the size before the
        // command, and believing it made the next decision repeat the same scale-up (same before and after).
        var windowMs = Math.Max(0, profile.WindowEndUnixMs - profile.WindowStartUnixMs);
        if (limit is > 0 && !(CommandedAtMs is { } commanded && profile.WindowStartUnixMs < commanded + windowMs))
        {
            CpuCores = limit.Value;
        }

        if (memoryLimit is > 0)
        {
            MemoryBytes = (long)memoryLimit.Value;
        }

        if (CoresUsed is { } used && WorkloadRate() is { } rate)
        {
            var starved = ThrottledRatio >= Options.ThrottlingThreshold || CpuPressure >= Options.PressureThreshold
                || CpuUtilization >= Learning.SaturatedUtilization;
            Learned = Learning.ObserveCapacity(Learned, rate, used, ref _capacityCores, starved);
        }

        foreach (var pending in Pending)
        {
            if (profile.WindowEndUnixMs > pending.AtMs && profile.WindowEndUnixMs <= pending.AtMs + (long)_orchestrator.SettleTime.TotalMilliseconds)
            {
                pending.AddResource(CpuUtilization, ThrottledRatio, CpuPressure);
            }
        }

        Advance(profile.WindowEndUnixMs);
    }

    /// <summary>Applies a workload-stream profile; false when it is not newer than the stream's last.</summary>
    public bool ObserveWorkload(ShadowProfile profile)
    {
        var sloField = Options.SloStream.Length == 0 ? Options.SloField : "";
        if (!Workloads.TryGetValue(profile.Stream, out var workload) || !workload.Observe(profile, sloField, Scores))
        {
            return false;
        }

        CountSloBreach(workload.SloValue, profile.WindowEndUnixMs);
        Advance(profile.WindowEndUnixMs);
        return true;
    }

    /// <summary>
    /// Applies a profile of <see cref="TargetOptions.SloStream"/>: its <see cref="TargetOptions.SloField"/> p99 over the
    /// threshold counts as a breach for the decisions whose outcome is being measured. It drives no decision by itself.
    /// </summary>
    public void ObserveSlo(ShadowProfile profile)
    {
        if (profile.WindowEndUnixMs <= SloWindowEndMs)
        {
            return;
        }

        SloWindowEndMs = profile.WindowEndUnixMs;
        double? p99 = null;
        foreach (var numeric in profile.Numeric)
        {
            if (numeric.Field == Options.SloField && numeric.Count > 0)
            {
                p99 = numeric.P99;
            }
        }

        SloValue = p99;
        CountSloBreach(p99, profile.WindowEndUnixMs);
    }

    /// <summary>Newest window end seen on <see cref="TargetOptions.SloStream"/>.</summary>
    public long SloWindowEndMs { get; private set; } = long.MinValue;

    /// <summary>p99 of <see cref="TargetOptions.SloField"/> in the newest window of <see cref="TargetOptions.SloStream"/>.</summary>
    public double? SloValue { get; private set; }

    private void CountSloBreach(double? slo, long windowEndMs)
    {
        if (slo is not { } value || Options.SloField.Length == 0 || !(value > Options.SloThreshold))
        {
            return;
        }

        foreach (var pending in Pending)
        {
            if (windowEndMs > pending.AtMs && windowEndMs <= pending.AtMs + (long)_orchestrator.SettleTime.TotalMilliseconds)
            {
                pending.SloBreaches++;
            }
        }
    }

    /// <summary>Records per second of every workload stream's newest window, or null before any arrived.</summary>
    public double? WorkloadRate()
    {
        double sum = 0;
        var any = false;
        foreach (var w in Workloads.Values)
        {
            if (w.WindowEndMs != long.MinValue)
            {
                sum += w.Rate;
                any = true;
            }
        }

        return any ? sum : null;
    }

    /// <summary>The policy's snapshot of this target now, with the forecast of the forecaster chosen by realized error.</summary>
    public PolicyInputs Snapshot()
    {
        string? forecaster = null;
        double? peak = null;
        if (Workloads.Count > 0)
        {
            var available = ForecasterScores.Preference
                .Where(f => Workloads.Values.All(w => w.Peak(f, _orchestrator.Horizon) is not null))
                .ToArray();
            forecaster = Scores.Choose(available);
            if (forecaster is not null)
            {
                peak = Workloads.Values.Sum(w => w.Peak(forecaster, _orchestrator.Horizon)!.Value);
            }
        }

        LastForecaster = forecaster;
        LastForecastPeak = peak;
        double? upper = null;
        if (forecaster is not null && Workloads.Values.All(w => w.UpperPeak(forecaster, _orchestrator.Horizon) is not null))
        {
            upper = Workloads.Values.Sum(w => w.UpperPeak(forecaster, _orchestrator.Horizon)!.Value);
        }

        double? trend = null;
        if (Workloads.Values.Any(w => w.TrendProjection(TrendLeadWindows) is not null))
        {
            trend = Workloads.Values.Sum(w => w.TrendProjection(TrendLeadWindows) ?? w.Rate);
        }

        var anomaly = Workloads.OrderByDescending(w => w.Value.AnomalyScore).FirstOrDefault();
        var span = (long)Options.DownscaleStabilization.TotalMilliseconds;
        double? stabilized = null;
        foreach (var (ms, cores) in _needs)
        {
            // Earlier windows only: the policy adds this window's own need itself.
            if (ms < NowMs && NowMs - ms <= span)
            {
                stabilized = Math.Max(stabilized ?? 0, cores);
            }
        }

        return new PolicyInputs
        {
            NowMs = NowMs,
            CurrentCpuCores = CpuCores,
            CurrentMemoryBytes = Options.MaxMemoryBytes > 0 ? MemoryBytes : 0,
            CpuUtilization = CpuUtilization,
            CoresUsed = CoresUsed,
            ThrottledRatio = ThrottledRatio,
            CpuPressure = CpuPressure,
            MemoryUtilization = MemoryUtilization,
            MemoryPressure = MemoryPressure,
            WorkloadRate = WorkloadRate(),
            WorkloadTrendRate = trend,
            ForecastPeakRate = peak,
            ForecastUpperRate = upper,
            Forecaster = forecaster,
            VolumeSpike = anomaly.Value?.VolumeSpike ?? false,
            StabilizedCpuCores = stabilized,
            AnomalyScore = anomaly.Value?.AnomalyScore ?? 0,
            AnomalyStream = anomaly.Value is { AnomalyScore: > 0 } ? anomaly.Key : null,
            ShadowDropShare = Workloads.Count == 0 ? 0 : Workloads.Values.Max(w => w.DropShare),
            LastUpMs = LastUpMs,
            LastDownMs = LastDownMs,
            ActionsLastHour = Actions.Count(a => NowMs - a.Ms < HourMs),
            // A window already counted (several streams of one window each trigger an evaluation) is not counted twice.
            LowWindows = LowWindowsAtMs == NowMs ? Math.Max(0, LowWindows - 1) : LowWindows,
            ShadowLatencyRatio = Shadow.IsFresh(NowMs) ? Shadow.LatencyRatio : null,
            ShadowErrorRate = Shadow.IsFresh(NowMs) ? Shadow.ErrorRate : null,
        };
    }

    /// <summary>Takes a decision's effect on the state: hysteresis count, action history, the believed size.</summary>
    public void Apply(Decision decision, bool dryRun)
    {
        LowWindows = decision.LowWindows;
        LowWindowsAtMs = NowMs;
        if (decision.NeededCpuCores is { } need)
        {
            _needs.Add((NowMs, need));
            var span = (long)Options.DownscaleStabilization.TotalMilliseconds;
            _needs.RemoveAll(n => NowMs - n.Ms > span);
        }

        if (decision.Action == ScaleAction.Hold)
        {
            return;
        }

        // A dry run changes nothing, so it neither cools down nor counts against the hourly limit.
        if (!dryRun)
        {
            Actions.Add((NowMs, decision.Action));
            Actions.RemoveAll(a => NowMs - a.Ms >= HourMs && a.Ms != LastUpMs && a.Ms != LastDownMs);
            CpuCores = decision.ToCpuCores;
            CommandedAtMs = NowMs;
            if (decision.ToMemoryBytes > 0)
            {
                MemoryBytes = decision.ToMemoryBytes;
            }
        }
    }

    /// <summary>Decisions whose settle time has passed, removed from <see cref="Pending"/>, with whether each was reversed.</summary>
    public List<(PendingOutcome Pending, bool Reversed)> TakeSettled()
    {
        var settle = (long)_orchestrator.SettleTime.TotalMilliseconds;
        var done = new List<(PendingOutcome, bool)>();
        for (var i = Pending.Count - 1; i >= 0; i--)
        {
            var p = Pending[i];
            // Settled once a window ending after the settle time arrived, so every window inside it was counted.
            if (NowMs <= p.AtMs + settle)
            {
                continue;
            }

            var reverse = p.Action == ScaleAction.Up ? ScaleAction.Down : ScaleAction.Up;
            var reversed = Actions.Any(a => a.Action == reverse && a.Ms > p.AtMs && a.Ms <= p.AtMs + settle);
            done.Add((p, reversed));
            Pending.RemoveAt(i);
        }

        done.Reverse();
        return done;
    }

    private void Advance(long windowEndMs) => NowMs = Math.Max(NowMs, windowEndMs);

    private long? Last(ScaleAction action)
    {
        for (var i = Actions.Count - 1; i >= 0; i--)
        {
            if (Actions[i].Action == action)
            {
                return Actions[i].Ms;
            }
        }

        return null;
    }
}
