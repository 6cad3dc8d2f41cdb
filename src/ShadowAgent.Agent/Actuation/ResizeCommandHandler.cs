using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using ShadowAgent.Protocol.V1;
using Status = ShadowAgent.Protocol.V1.CommandResult.Types.Status;

namespace ShadowAgent.Agent.Actuation;

/// <summary>
/// Applies resize commands one at a time on a pool thread, so a slow actuator never holds up acks. Idempotent
/// by command_id: the results of the last <see cref="ActuationOptions.RecentCommands"/> ids are kept, and a
/// repeated id (also one still running) gets the recorded result instead of a second change. Rate-limited
/// commands are not recorded, so sending the same id later can still apply it. Dry run (global or per command)
/// answers DRY_RUN with before and would-be after values. Every command is logged with its outcome.
/// </summary>
internal sealed class ResizeCommandHandler : ICommandHandler, IDisposable
{
    private readonly ActuationOptions _options;
    private readonly IReadOnlyList<IResizeActuator> _actuators;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Task<CommandResult>> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private readonly Queue<DateTimeOffset> _window = new();
    private readonly SemaphoreSlim _serial = new(1, 1);
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _results;

    public ResizeCommandHandler(ActuationOptions options, IReadOnlyList<IResizeActuator> actuators, TimeProvider time, ILogger logger, Meter? meter = null)
    {
        _options = options;
        _actuators = actuators;
        _time = time;
        _logger = logger;
        Capabilities = options.Enabled ? [.. actuators.SelectMany(a => a.Capabilities).Distinct()] : [];
        meter ??= new Meter("ShadowAgent.Agent.Actuation");
        _latency = meter.CreateHistogram<double>("shadow_agent_resize_duration", "ms", "Time from a resize command's arrival to its result");
        _results = meter.CreateCounter<long>("shadow_agent_resize_results", description: "Resize command results by status");
    }

    /// <summary>The actuators the configuration asks for: cgroups under CgroupRoots, libvirt when a URI is set.</summary>
    public static ResizeCommandHandler Create(ActuationOptions options, TimeProvider time, ILogger logger)
    {
        var actuators = new List<IResizeActuator>();
        if (options.CgroupRoots.Count > 0)
        {
            actuators.Add(new CgroupActuator(options.CgroupRoots));
        }

        if (options.Libvirt.Uri.Length > 0)
        {
            actuators.Add(new LibvirtActuator(options.Libvirt));
        }

        var handler = new ResizeCommandHandler(options, actuators, time, logger);
        if (options.Enabled)
        {
            var roots = string.Join(", ", options.CgroupRoots);
            var domains = string.Join(", ", options.Libvirt.Domains);
            var capabilities = string.Join(", ", handler.Capabilities);
            ActuationLog.Configured(logger, options.DryRun, roots, options.Libvirt.Uri, domains, capabilities);
        }

        return handler;
    }

    public IReadOnlyList<string> Capabilities { get; }

    public async Task<CommandResult> HandleAsync(ResizeCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = _time.GetTimestamp();
        if (string.IsNullOrEmpty(command.CommandId))
        {
            return Finish(command, Results.Rejected("", "a resize command needs a command_id"), started);
        }

        Task<CommandResult>? recorded;
        var mine = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (!_recent.TryGetValue(command.CommandId, out recorded))
            {
                _recent[command.CommandId] = mine.Task;
                _recentOrder.Enqueue(command.CommandId);
                while (_recentOrder.Count > _options.RecentCommands)
                {
                    _recent.Remove(_recentOrder.Dequeue());
                }
            }
        }

        if (recorded is not null)
        {
            var again = await recorded.WaitAsync(cancellationToken).ConfigureAwait(false);
            var status = again.Status.ToString();
            ActuationLog.Repeated(_logger, command.CommandId, status);
            return again;
        }

        {
            var cores = command.HasCpuCores ? Results.Num(command.CpuCores) : "-";
            var memory = command.HasMemoryBytes ? Results.Num(command.MemoryBytes) : "-";
            var weight = command.HasCpuWeight ? Results.Num((ulong)command.CpuWeight) : "-";
            ActuationLog.Received(_logger, command.CommandId, command.Target, cores, memory, weight, command.DryRun, command.Reason);
        }

        CommandResult result;
        var rateLimited = false;
        try
        {
            await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Cgroup writes and libvirt calls block: they run on a pool thread, never on the uplink's reader.
                (result, rateLimited) = await Task.Run(() => Execute(command), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _serial.Release();
            }
        }
        catch (OperationCanceledException)
        {
            result = Results.Make(command.CommandId, Status.Failed, "the agent stopped before the command ran");
            rateLimited = true;
        }

        if (rateLimited)
        {
            lock (_lock)
            {
                _recent.Remove(command.CommandId);
            }
        }

        mine.SetResult(result);
        return Finish(command, result, started);
    }

    private (CommandResult Result, bool RateLimited) Execute(ResizeCommand command)
    {
        var id = command.CommandId;
        if (!_options.Enabled)
        {
            return (Results.Rejected(id, "actuation is disabled on this agent (Agent:Actuation:Enabled is false)"), false);
        }

        if (!ResizeTarget.TryParse(command.Target, out var target, out var why))
        {
            return (Results.Rejected(id, why), false);
        }

        if (ResizeBounds.Check(command, _options) is { } outside)
        {
            return (Results.Rejected(id, outside), false);
        }

        var actuator = _actuators.FirstOrDefault(a => a.Kind == target.Kind);
        if (actuator is null)
        {
            return (Results.Rejected(id, target.Kind == ResizeTargetKind.Vm
                ? "this agent resizes no VMs (Agent:Actuation:Libvirt:Uri is empty)"
                : "this agent resizes no cgroups (Agent:Actuation:CgroupRoots is empty)"), false);
        }

        var now = _time.GetUtcNow();
        while (_window.Count > 0 && now - _window.Peek() >= TimeSpan.FromMinutes(1))
        {
            _window.Dequeue();
        }

        if (_window.Count >= _options.MaxCommandsPerMinute)
        {
            return (Results.Rejected(id, $"rate limit: {_window.Count} commands in the last minute (Agent:Actuation:MaxCommandsPerMinute); send it again later"), true);
        }

        _window.Enqueue(now);
        try
        {
            return (actuator.Apply(command, target, dryRun: _options.DryRun || command.DryRun), false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // An actuator bug must not take the uplink down; the command is answered as failed.
            return (Results.Make(id, Status.Failed, $"{ex.GetType().Name}: {ex.Message}"), false);
        }
    }

    private CommandResult Finish(ResizeCommand command, CommandResult result, long started)
    {
        var elapsed = _time.GetElapsedTime(started).TotalMilliseconds;
        _latency.Record(elapsed);
        var status = result.Status.ToString();
        _results.Add(1, new KeyValuePair<string, object?>("status", status));
        if (result.Status is Status.Applied or Status.DryRun)
        {
            var before = Format(result.Before);
            var after = Format(result.After);
            ActuationLog.Done(_logger, result.CommandId, command.Target, status, elapsed, result.Message, before, after);
        }
        else
        {
            ActuationLog.NotApplied(_logger, result.CommandId, command.Target, status, result.Message);
        }

        return result;
    }

    private static string Format(IDictionary<string, string> values) => string.Join(", ", values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    public void Dispose()
    {
        foreach (var a in _actuators)
        {
            a.Dispose();
        }

        _serial.Dispose();
    }
}
