using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShadowAgent.Aggregator.Feed;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// Evaluates a target whenever a profile of one of its streams is stored: updates the target's state, runs
/// <see cref="ScalingPolicy"/>, queues a ResizeCommand on the agent's outbound queue when the decision acts, and
/// records the decision (with its inputs, triggers and command) in the store. Command results and the outcomes
/// measured after the settle time come back here and adapt the target's learned parameters.
/// The command is queued before the decision is written: the latency that matters (profile stored → command on
/// its way) does not wait for an fsync; a result that overtakes the write is merged into the same row.
/// </summary>
internal sealed class Orchestrator : BackgroundService, ICommandResultHandler
{
    private readonly OrchestratorOptions _options;
    private readonly IProfileFeed _feed;
    private readonly AgentConnections _connections;
    private readonly OrchestratorStore _store;
    private readonly OrchestratorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<Orchestrator> _logger;
    private readonly Dictionary<(string Host, string Stream), List<(TargetRuntime Target, bool Resource)>> _byStream = [];
    private readonly ConcurrentDictionary<string, TargetRuntime> _byCommand = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Host, string Stream), List<TargetRuntime>> _byShadow = [];
    private readonly Dictionary<(string Host, string Stream), List<TargetRuntime>> _bySlo = [];
    private readonly Mirror.MirrorShareController? _shares;
    private ProfileSubscription? _subscription;

    public Orchestrator(
        OrchestratorOptions options, IProfileFeed feed, AgentConnections connections, OrchestratorStore store,
        OrchestratorMetrics metrics, TimeProvider time, ILogger<Orchestrator> logger, Mirror.MirrorShareController? shares = null)
    {
        _shares = shares;
        _options = options;
        _feed = feed;
        _connections = connections;
        _store = store;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        foreach (var (name, target) in options.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var runtime = new TargetRuntime(name, target, options);
            Targets.Add(runtime);
            Index(target.Host, target.ResourceStream, runtime, true);
            foreach (var stream in target.WorkloadStreams.Distinct(StringComparer.Ordinal))
            {
                Index(target.Host, stream, runtime, false);
            }

            if (target.SloStream.Length > 0)
            {
                // The access log the SLO is judged on: outcomes only, no decision of its own.
                if (!_bySlo.TryGetValue((target.Host, target.SloStream), out var judged))
                {
                    _bySlo[(target.Host, target.SloStream)] = judged = [];
                }

                judged.Add(runtime);
            }

            if (target.ShadowStream.Length > 0)
            {
                // The mirror stream: shadow comparison for the policy and the share controller (Orchestration/Mirror).
                if (!_byShadow.TryGetValue((target.Host, target.ShadowStream), out var shadowed))
                {
                    _byShadow[(target.Host, target.ShadowStream)] = shadowed = [];
                }

                shadowed.Add(runtime);
            }
        }
    }

    public List<TargetRuntime> Targets { get; } = [];

    public bool Enabled => _options.Enabled;

    public AgentConnections Connections => _connections;

    /// <summary>Subscribes before the host finishes starting, so no profile stored after start is missed.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled)
        {
            foreach (var target in Targets)
            {
                Restore(target);
            }

            _subscription = _feed.Subscribe(4096);
            OrchestratorLog.Started(_logger, Targets.Count);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _subscription?.Dispose();
        base.Dispose();
    }

    public async ValueTask OnCommandResultAsync(string hostId, CommandResult result, CancellationToken cancellationToken)
    {
        var status = OrchestratorStore.StatusName(result.Status);
        _metrics.Results.Add(1, new KeyValuePair<string, object?>("status", status));
        OrchestratorLog.Result(_logger, result.CommandId, hostId, status, result.Message);
        if (_byCommand.TryRemove(result.CommandId, out var target))
        {
            lock (target.Gate)
            {
                foreach (var pending in target.Pending)
                {
                    if (pending.CommandId == result.CommandId)
                    {
                        pending.Status = status;
                    }
                }

                // Applied: the agent's after values are the truth. Anything else changed nothing (or was rolled back):
                // the target is back at its before values.
                var values = result.Status == CommandResult.Types.Status.Applied ? result.After : result.Before;
                if (values.TryGetValue("cpu_cores", out var cores) && double.TryParse(cores, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
                {
                    target.CpuCores = parsed;
                }
                else if (result.Status is not (CommandResult.Types.Status.Applied or CommandResult.Types.Status.DryRun)
                    && target.CommandedFrom.TryGetValue(result.CommandId, out var from))
                {
                    target.CpuCores = from;
                }

                if (values.TryGetValue("memory_bytes", out var memory) && long.TryParse(memory, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0)
                {
                    target.MemoryBytes = bytes;
                }

                target.CommandedFrom.Remove(result.CommandId);
            }
        }

        try
        {
            await _store.RecordResultAsync(hostId, result, _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            OrchestratorLog.ResultFailed(_logger, result.CommandId, hostId, exception);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_subscription is null)
        {
            return;
        }

        try
        {
            await foreach (var item in _subscription.Reader.ReadAllAsync(stoppingToken))
            {
                if (_byStream.TryGetValue((item.HostId, item.Stream), out var targets))
                {
                    foreach (var (target, resource) in targets)
                    {
                        await EvaluateAsync(target, item, resource, stoppingToken);
                    }
                }

                if (_bySlo.TryGetValue((item.HostId, item.Stream), out var judged))
                {
                    foreach (var target in judged)
                    {
                        lock (target.Gate)
                        {
                            target.ObserveSlo(item.Profile);
                        }
                    }
                }

                if (_byShadow.TryGetValue((item.HostId, item.Stream), out var shadowed))
                {
                    foreach (var target in shadowed)
                    {
                        await EvaluateAsync(target, item, false, stoppingToken, shadow: true);
                        if (_shares is not null)
                        {
                            await _shares.EvaluateAsync(target, stoppingToken);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One evaluation: state update, policy, command, record; then the work that may wait.</summary>
    /// <param name="shadow">The profile is of the target's mirror stream (the shadow comparison).</param>
    internal async Task EvaluateAsync(TargetRuntime target, StoredProfile item, bool resource, CancellationToken cancellationToken, bool shadow = false)
    {
        var o = target.Options;
        Decision decision;
        PolicyInputs inputs;
        ResizeCommand? command = null;
        PendingOutcome? pending = null;
        var sent = false;
        lock (target.Gate)
        {
            if (shadow)
            {
                target.ObserveShadow(item.Profile);
            }
            else if (resource)
            {
                target.ObserveResource(item.Profile);
            }
            else if (!target.ObserveWorkload(item.Profile))
            {
                return;
            }

            inputs = target.Snapshot();
            decision = ScalingPolicy.Decide(inputs, target.Learned.ToPolicy(o));
            target.Apply(decision, o.DryRun);
            target.Evaluations++;
            if (decision.Action != ScaleAction.Hold)
            {
                var sequence = target.Actions.Count(a => a.Ms == target.NowMs);
                command = new ResizeCommand
                {
                    CommandId = string.Create(CultureInfo.InvariantCulture, $"{target.Name}-{target.NowMs}-{(o.DryRun ? "dry" : sequence.ToString(CultureInfo.InvariantCulture))}"),
                    Target = o.Target,
                    DryRun = o.DryRun,
                    Reason = Truncate(decision.Reason(), 1024),
                    IssuedUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                };
                if (decision.ToCpuCores != decision.FromCpuCores)
                {
                    command.CpuCores = decision.ToCpuCores;
                }

                if (decision.ToMemoryBytes != decision.FromMemoryBytes)
                {
                    command.MemoryBytes = (ulong)decision.ToMemoryBytes;
                }

                target.CommandedFrom[command.CommandId] = decision.FromCpuCores;
                pending = new PendingOutcome(decision.Action, target.NowMs, o.DryRun, command.CommandId);
                target.Pending.Add(pending);
                _byCommand[command.CommandId] = target;
            }
        }

        if (command is not null)
        {
            sent = _connections.TrySend(o.Host, new AggregatorMessage { Resize = command });
            _metrics.Commands.Add(1, new KeyValuePair<string, object?>("outcome", sent ? "sent" : "not_sent"));
            if (!sent)
            {
                OrchestratorLog.NotSent(_logger, target.Name, o.Host, command.CommandId);
                lock (target.Gate)
                {
                    // Nothing reached the agent: the target keeps its size, and the next window may try again
                    // (no cooldown or hourly count for a command that never left).
                    if (!o.DryRun)
                    {
                        var last = target.Actions.FindLastIndex(a => a.Ms == inputs.NowMs && a.Action == decision.Action);
                        if (last >= 0)
                        {
                            target.Actions.RemoveAt(last);
                        }

                        target.CpuCores = decision.FromCpuCores;
                        target.MemoryBytes = decision.FromMemoryBytes > 0 ? decision.FromMemoryBytes : target.MemoryBytes;
                    }

                    target.CommandedFrom.Remove(command.CommandId);
                    target.Pending.Remove(pending!);
                }

                _byCommand.TryRemove(command.CommandId, out _);
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(item.PublishedTimestamp);
        var action = OrchestratorStore.ActionName(decision.Action);
        _metrics.DecisionLatency.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("action", action));
        _metrics.Decisions.Add(1, new KeyValuePair<string, object?>("action", action));
        if (command is not null)
        {
            OrchestratorLog.Decided(_logger, target.Name, action, decision.FromCpuCores, decision.ToCpuCores, command.CommandId, o.DryRun, sent, command.Reason);
        }

        try
        {
            // Plain holds (no rule fired) are counted, not stored: one row per target and window would bury the decisions.
            if (decision.Action != ScaleAction.Hold || decision.Triggers.Count > 0)
            {
                var id = await _store.RecordDecisionAsync(new DecisionRecord(
                    target.Name, o.Host, inputs.NowMs, _time.GetUtcNow().ToUnixTimeMilliseconds(), decision, inputs, o.DryRun, command, sent,
                    (long)elapsed.TotalMicroseconds), cancellationToken);
                if (pending is not null && sent)
                {
                    lock (target.Gate)
                    {
                        pending.DecisionId = id;
                    }
                }
            }

            await AfterDecisionAsync(target, item, resource, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            OrchestratorLog.RecordFailed(_logger, target.Name, exception);
        }
    }

    /// <summary>Off the latency path: the aggregator's forecaster, settled outcomes, learning and its persistence.</summary>
    private async Task AfterDecisionAsync(TargetRuntime target, StoredProfile item, bool resource, CancellationToken cancellationToken)
    {
        List<(PendingOutcome Pending, bool Reversed)> settled;
        var learnedChanged = new List<(long DecisionId, Outcome Outcome, string? Learned)>();
        lock (target.Gate)
        {
            if (!resource && target.Workloads.TryGetValue(item.Stream, out var workload))
            {
                workload.UpdateAggregatorForecast();
            }

            settled = target.TakeSettled();
            foreach (var (done, reversed) in settled)
            {
                var outcome = done.Finish(reversed);
                string? learned = null;
                if (!done.DryRun && done.Status == "applied")
                {
                    var before = target.Learned;
                    target.Learned = Learning.Adapt(before, done.Action, outcome, target.Options, _options);
                    learned = Describe(before, target.Learned);
                }

                learnedChanged.Add((done.DecisionId, outcome, learned));
            }
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (id, outcome, learned) in learnedChanged)
        {
            await _store.RecordOutcomeAsync(id, now, outcome, learned, cancellationToken);
            OrchestratorLog.Learned(_logger, target.Name, id, learned ?? "nothing");
        }

        // Learned state is saved after every outcome and every 10 evaluations (the capacity model and forecaster errors move each window).
        if (learnedChanged.Count > 0 || target.Evaluations % 10 == 0)
        {
            LearnedParameters learnedNow;
            double cores;
            long memory;
            ForecasterScores scores;
            lock (target.Gate)
            {
                learnedNow = target.Learned;
                cores = target.CpuCores;
                memory = target.MemoryBytes;
                scores = new ForecasterScores();
                foreach (var (name, s) in target.Scores.Scores)
                {
                    scores.Set(name, s.Error, s.Samples);
                }
            }

            await _store.SaveLearningAsync(target.Name, learnedNow, scores, cores, memory, now, cancellationToken);
        }
    }

    private void Restore(TargetRuntime target)
    {
        if (_store.LoadLearning(target.Name) is { } stored)
        {
            // Learned values from an earlier run, clamped to today's bounds (the configuration may have narrowed them).
            target.Learned = Learning.Clamp(stored.Learned, _options);
            foreach (var (name, error) in stored.ForecasterErrors)
            {
                target.Scores.Set(name, error.Error, error.Samples);
            }

            if (stored.CpuCores is > 0 and var cores)
            {
                target.CpuCores = Math.Clamp(cores, target.Options.MinCpuCores, target.Options.MaxCpuCores);
            }

            if (stored.MemoryBytes is > 0 and var memory)
            {
                target.MemoryBytes = memory;
            }
        }

        foreach (var (ms, action) in _store.LoadActions(target.Name, _time.GetUtcNow().ToUnixTimeMilliseconds() - (2 * 3_600_000)))
        {
            target.Actions.Add((ms, action));
        }
    }

    private void Index(string host, string stream, TargetRuntime runtime, bool resource)
    {
        if (!_byStream.TryGetValue((host, stream), out var list))
        {
            _byStream[(host, stream)] = list = [];
        }

        list.Add((runtime, resource));
    }

    private static string? Describe(LearnedParameters before, LearnedParameters after)
    {
        if (before == after)
        {
            return null;
        }

        var parts = new List<string>();
        void Part(string name, double a, double b)
        {
            if (a != b)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {a:G4} -> {b:G4}"));
            }
        }

        Part("highFactor", before.HighFactor, after.HighFactor);
        Part("headroom", before.Headroom, after.Headroom);
        Part("utilizationHigh", before.UtilizationHigh, after.UtilizationHigh);
        Part("utilizationLow", before.UtilizationLow, after.UtilizationLow);
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
