using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShadowAgent.Agent.Uplink;

namespace ShadowAgent.Agent.Hosting;

/// <summary>
/// Sleeps until the next window boundary of any stream, closes what is due and hands the profiles of that
/// moment to the uplink as one batch. At shutdown (after the taps have drained, since hosted services stop
/// in reverse order) it closes the current windows as partial and queues them.
/// </summary>
internal sealed class WindowCloser : BackgroundService
{
    private readonly AgentStreams _streams;
    private readonly UplinkService _uplink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public WindowCloser(AgentStreams streams, UplinkService uplink, TimeProvider time, ILogger<WindowCloser> logger)
    {
        _streams = streams;
        _uplink = uplink;
        _time = time;
        _logger = logger;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var profiles = _streams.CloseAllPartial();
        _uplink.Publish(profiles);
        AgentLog.ClosedAtShutdown(_logger, profiles.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var wait = _streams.NextBoundary(now) - now;
            try
            {
                await Task.Delay(wait, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // A timer that fires a little early finds nothing due and the loop simply waits again.
            _uplink.Publish(_streams.CloseDue(_time.GetUtcNow()));
        }
    }
}
