using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>
/// Moves each target's mirrored share after every window of its mirror stream (<see cref="MirrorSharePolicy"/>),
/// sends the change as a MirrorShareUpdate to agents that list "mirror.share" in Hello, stores every change with its
/// reason and the agent's MirrorShareResult. A change that could not be sent (agent offline or too old) is stored
/// as not sent and does not start the cooldown.
/// </summary>
internal sealed class MirrorShareController(
    AgentConnections connections, MirrorShareStore store, TimeProvider time, ILogger<MirrorShareController> logger) : IMirrorShareResultHandler
{
    /// <summary>The Hello capability of agents that apply MirrorShareUpdate.</summary>
    public const string Capability = "mirror.share";

    private readonly ConcurrentDictionary<string, MirrorShareState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (TargetRuntime Target, MirrorShareState State)> _byCommand = new(StringComparer.Ordinal);

    /// <summary>The controller's state of a target (created at the configured initial share).</summary>
    public MirrorShareState State(TargetRuntime target) =>
        _states.GetOrAdd(target.Name, static (_, t) => new MirrorShareState(t.Options.MirrorShare.InitialShare), target);

    /// <summary>Runs the share policy for a target whose mirror stream just closed a window.</summary>
    public async Task EvaluateAsync(TargetRuntime target, CancellationToken cancellationToken)
    {
        var o = target.Options;
        ShareChange? change;
        MirrorShareState state;
        long windowEnd;
        long? previousChange;
        string commandId;
        lock (target.Gate)
        {
            state = State(target);
            var inputs = target.Snapshot();
            change = MirrorSharePolicy.Decide(state, inputs, target.Shadow, o, target.Learned.RecordsPerCoreSecond);
            if (change is null)
            {
                return;
            }

            windowEnd = inputs.NowMs;
            commandId = string.Create(CultureInfo.InvariantCulture, $"{target.Name}-share-{windowEnd}");
            previousChange = state.LastChangeMs;
            state.LastChangeMs = windowEnd;
            state.Share = change.ToShare;
            state.Outstanding[commandId] = change.FromShare;
            _byCommand[commandId] = (target, state);
        }

        var update = new MirrorShareUpdate { CommandId = commandId, Stream = o.ShadowStream, Share = change.ToShare, Reason = change.Reason };
        var sent = connections.TryGet(o.Host, out var connection)
            && connection.Hello is { } hello && hello.Capabilities.Contains(Capability)
            && connection.TrySend(new AggregatorMessage { MirrorShare = update });
        if (!sent)
        {
            lock (target.Gate)
            {
                state.Share = change.FromShare;
                state.LastChangeMs = previousChange;
                state.Outstanding.Remove(commandId);
            }

            _byCommand.TryRemove(commandId, out _);
        }

        MirrorShareLog.Changed(logger, target.Name, o.ShadowStream, change.FromShare, change.ToShare, change.Direction, commandId, sent, change.Reason);
        try
        {
            await store.RecordChangeAsync(target.Name, o.Host, o.ShadowStream, windowEnd, time.GetUtcNow().ToUnixTimeMilliseconds(), change, commandId, sent, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            MirrorShareLog.RecordFailed(logger, commandId, target.Name, exception);
        }
    }

    public async ValueTask OnMirrorShareResultAsync(string hostId, MirrorShareResult result, CancellationToken cancellationToken)
    {
        MirrorShareLog.Result(logger, result.CommandId, hostId, result.Applied, result.ShareInForce, result.Message);
        if (_byCommand.TryRemove(result.CommandId, out var entry))
        {
            lock (entry.Target.Gate)
            {
                if (entry.State.Outstanding.Remove(result.CommandId, out var before))
                {
                    // Applied: the agent's share is the truth. Not applied on a known stream: the agent says what is
                    // in force; on an unknown stream (share 0 reported), the believed share goes back to before.
                    entry.State.Share = result.Applied || result.ShareInForce > 0 ? result.ShareInForce : before;
                }
            }
        }

        try
        {
            await store.RecordResultAsync(hostId, result, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            MirrorShareLog.RecordFailed(logger, result.CommandId, hostId, exception);
        }
    }
}
