using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ShadowAgent.Mirror;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Mirroring;

/// <summary>
/// Applies the orchestrator's MirrorShareUpdate to the running HTTP mirror of the named stream. Idempotent by
/// command id: a command resent after a reconnect gets the recorded result and is not applied again (so an older
/// share never overwrites a newer one). The mirrors are looked up at call time, because the taps bind after the
/// uplink is built.
/// </summary>
internal sealed class MirrorShareHandler
{
    /// <summary>The capability listed in Hello; the aggregator only sends share updates to agents that list it.</summary>
    public const string Capability = "mirror.share";

    /// <summary>Results kept for idempotency; the oldest are forgotten beyond this (bounded like every map).</summary>
    internal const int RememberedResults = 256;

    private readonly Func<IReadOnlyList<IMirrorControl>> _mirrors;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, MirrorShareResult> _results = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly Lock _gate = new();

    public MirrorShareHandler(Func<IReadOnlyList<IMirrorControl>> mirrors, ILogger logger)
    {
        _mirrors = mirrors;
        _logger = logger;
    }

    /// <summary>Applies one update (or answers with the recorded result of its command id).</summary>
    public MirrorShareResult Apply(MirrorShareUpdate update)
    {
        lock (_gate)
        {
            if (update.CommandId.Length > 0 && _results.TryGetValue(update.CommandId, out var recorded))
            {
                return recorded;
            }

            var result = ApplyOnce(update);
            if (update.CommandId.Length > 0)
            {
                _results[update.CommandId] = result;
                _order.Enqueue(update.CommandId);
                while (_order.Count > RememberedResults && _order.TryDequeue(out var oldest))
                {
                    _results.TryRemove(oldest, out _);
                }
            }

            return result;
        }
    }

    private MirrorShareResult ApplyOnce(MirrorShareUpdate update)
    {
        var result = new MirrorShareResult { CommandId = update.CommandId, Stream = update.Stream };
        var mirror = _mirrors().FirstOrDefault(m => string.Equals(m.StreamName, update.Stream, StringComparison.Ordinal));
        if (mirror is null)
        {
            result.Message = $"no http-mirror stream named '{update.Stream}' on this agent";
            MirrorShareLog.Rejected(_logger, update.CommandId, update.Stream, result.Message);
            return result;
        }

        var before = mirror.Rate;
        result.ShareInForce = before;
        if (!double.IsFinite(update.Share) || update.Share < 0 || update.Share > 1)
        {
            result.Message = $"share {update.Share} is outside [0, 1]; the share stays {before}";
            MirrorShareLog.Rejected(_logger, update.CommandId, update.Stream, result.Message);
            return result;
        }

        mirror.SetRate(update.Share);
        result.ShareInForce = mirror.Rate;
        result.Applied = true;
        MirrorShareLog.Applied(_logger, update.CommandId, update.Stream, before, result.ShareInForce, update.Reason);
        return result;
    }
}
