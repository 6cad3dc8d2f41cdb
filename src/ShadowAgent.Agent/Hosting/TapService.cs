using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror;
using ShadowAgent.Taps;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Agent.Hosting;

/// <summary>Starts one tap per stream (listening before the host reports started) and drains them at stop.</summary>
internal sealed class TapService : IHostedService, IAsyncDisposable
{
    private readonly AgentStreams _streams;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<ITap> _taps = [];

    public TapService(AgentStreams streams, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _streams = streams;
        _loggerFactory = loggerFactory;
        _time = time;
        _logger = loggerFactory.CreateLogger<TapService>();
    }

    /// <summary>Where each socket tap listens, in stream order (port 0 resolved to the bound port).</summary>
    public IReadOnlyList<EndPoint> EndPoints => [.. _taps.OfType<SocketTap>().Select(t => t.LocalEndPoint)];

    /// <summary>The running HTTP mirrors, for the orchestrator's share changes.</summary>
    public IReadOnlyList<IMirrorControl> Mirrors => [.. _taps.OfType<IMirrorControl>()];

    /// <summary>The running taps, in stream order.</summary>
    public IReadOnlyList<ITap> Taps => _taps;

    /// <summary>
    /// Binds every tap. The program calls it before the host starts, so a tap that cannot bind is reported
    /// as one line and the agent exits without starting anything else; the host's start is then a no-op here.
    /// </summary>
    /// <exception cref="InvalidOperationException">A tap could not bind; the message names the stream and address.</exception>
    public void Bind()
    {
        if (_taps.Count > 0)
        {
            return;
        }

        foreach (var (options, windows) in _streams.Streams)
        {
            // The mirror lives in its own project above the taps (it needs an HTTP client), so the agent starts it here.
            ITap tap = options.Tap.Kind == TapKinds.HttpMirror
                ? MirrorTap.Start(options, windows, _loggerFactory, _time, Random.Shared.Next())
                : TapFactory.Start(options, windows, _loggerFactory, _time);
            _taps.Add(tap);
            AgentLog.TapListening(_logger, tap.StreamName, options.Tap.Kind, tap.Source, StartClock.ElapsedMs);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Bind();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var tap in _taps)
        {
            await tap.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var tap in _taps)
        {
            await tap.DisposeAsync();
        }

        _taps.Clear();
    }
}
