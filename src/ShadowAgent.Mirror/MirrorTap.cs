using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror.Profiles;
using ShadowAgent.Mirror.Proxy;
using ShadowAgent.Mirror.Recording;
using ShadowAgent.Mirror.Shadow;
using ShadowAgent.Taps;
using ShadowAgent.Taps.Listening;

namespace ShadowAgent.Mirror;

/// <summary>
/// The HTTP mirror tap (<see cref="TapKinds.HttpMirror"/>): a reverse proxy in front of a service. Every request
/// goes to the primary; a sampled share is copied to the shadow instance off the primary path, with the shadow
/// profile's amplification and noise. Each answered request and each shadow copy becomes one record of the stream
/// (<see cref="MirrorFields"/>), so windows compare shadow and primary like any other stream. The accept loop and
/// the stop are the shared <see cref="ConnectionListener{TConnection}"/>.
/// </summary>
public sealed class MirrorTap : ITap, IMirrorControl, IConnectionHost<ProxyConnection>
{
    private readonly ConnectionListener<ProxyConnection> _listener;
    private readonly StreamOptions _stream;
    private readonly IRecordSinkFactory _sinks;
    private readonly MirrorContext _context;
    private readonly IRecordSink _shadowSink;
    private readonly PrimaryPool _pool;
    private readonly ulong _seed;
    private long _accepted;

    private MirrorTap(Socket listener, StreamOptions stream, IRecordSinkFactory sinks, ShadowPlan plan, ILogger logger, TimeProvider time, int seed)
    {
        _stream = stream;
        _sinks = sinks;
        _seed = (ulong)seed;
        var options = stream.Tap.Mirror;
        _ = StreamOptionsValidator.TryParseTcpAddress(options.Primary, out var primary);
        _pool = new PrimaryPool(primary, options.PrimaryPoolSize);
        var metrics = new MirrorMetrics(stream.Name);
        var recorder = new MirrorRecorder(stream, plan.ScenarioName);
        _shadowSink = sinks.Open();
        var bodyDiff = recorder.WantsBodyDiff ? Diff.BodyDiffPlan.From(plan.Profile?.BodyDiff) : null;
        _context = new MirrorContext
        {
            Stream = stream.Name,
            Options = options,
            Pool = _pool,
            Sampler = new MirrorSampler(options),
            Sender = new ShadowSender(options, plan, bodyDiff, recorder, _shadowSink, metrics, time, seed, new ShadowBreaker(options.Breaker, 2 * options.ShadowTimeout, time, seed, logger, stream.Name)),
            Plan = plan,
            BodyDiff = bodyDiff,
            Recorder = recorder,
            Metrics = metrics,
            Time = time,
            Logger = logger,
        };
        _listener = new ConnectionListener<ProxyConnection>(listener, this, stream.Tap.MaxConnections, stream.Name, logger, time);
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
    }

    /// <summary>The bound endpoint, with port 0 resolved to the port the system chose.</summary>
    public IPEndPoint LocalEndPoint { get; }

    public string StreamName => _stream.Name;

    public string Source => LocalEndPoint.ToString();

    public double Rate => _context.Sampler.Rate;

    /// <summary>The shadow instance profile in use, or null when none is configured.</summary>
    public ShadowInstanceProfile? Profile => _context.Plan.Profile;

    public string Scenario => _context.Plan.ScenarioName;

    /// <summary>Copies waiting for the shadow.</summary>
    public int Queued => _context.Sender.Queued;

    /// <summary>Connections opened to the primary since start (the pool's reuse shows as few).</summary>
    public long PrimaryConnectionsOpened => _pool.Opened;

    public MirrorCounters Counters => _context.Metrics.Snapshot(_context.Sampler.RateChanges, _context.Sender.Breaker.Opens);

    /// <summary>The shadow breaker's state: "closed", "open" or "half_open".</summary>
    public string BreakerState => _context.Sender.Breaker.State;

    /// <summary>Whether hash sampling at the current share copies requests with this key (tests).</summary>
    internal bool SampleKey(ReadOnlySpan<byte> key) => _context.Sampler.SampleKey(key);

    /// <summary>Starts a mirror with the system clock and a random seed.</summary>
    /// <exception cref="InvalidOperationException">The mirror cannot start; the message names the stream, the key and the reason.</exception>
    public static MirrorTap Start(StreamOptions stream, IRecordSinkFactory sinks, ILoggerFactory loggerFactory) =>
        Start(stream, sinks, loggerFactory, TimeProvider.System, Random.Shared.Next());

    /// <summary>Starts a mirror; <paramref name="seed"/> fixes sampling and noise draws (tests).</summary>
    /// <exception cref="InvalidOperationException">The mirror cannot start; the message names the stream, the key and the reason.</exception>
    public static MirrorTap Start(StreamOptions stream, IRecordSinkFactory sinks, ILoggerFactory loggerFactory, TimeProvider time, int seed)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(time);
        if (stream.Tap.Kind != TapKinds.HttpMirror)
        {
            throw new InvalidOperationException($"Stream '{stream.Name}': tap kind '{stream.Tap.Kind}' is not {TapKinds.HttpMirror}.");
        }

        // The agent validated the whole configuration already; this guards direct callers (tests, benchmarks).
        var errors = new List<string>();
        MirrorOptionsValidator.Validate(stream, stream.Name, errors);
        if (!IPEndPoint.TryParse(stream.Tap.Address, out _))
        {
            errors.Add($"{stream.Name}:Tap:Address: '{stream.Tap.Address}' is not an ip:port.");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Stream '{stream.Name}': {string.Join(" ", errors)}");
        }

        var plan = LoadPlan(stream);
        var listener = ListenSockets.ListenTcp(stream.Name, IPEndPoint.Parse(stream.Tap.Address), stream.Tap.Address);
        var logger = loggerFactory.CreateLogger<MirrorTap>();
        var tap = new MirrorTap(listener, stream, sinks, plan, logger, time, seed);
        tap._listener.Start();
        var m = stream.Tap.Mirror;
        MirrorLog.Listening(logger, stream.Name, tap.LocalEndPoint, m.Primary, m.Shadow, m.Rate, plan.ScenarioName);
        return tap;
    }

    /// <summary>Changes the mirrored share at run time (the orchestrator's lever on the shadow's cost).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The share is outside [0, 1].</exception>
    public void SetRate(double rate)
    {
        var before = _context.Sampler.Rate;
        _context.Sampler.SetRate(rate);
        MirrorLog.RateChanged(_context.Logger, _stream.Name, before, rate);
    }

    /// <summary>
    /// Stops accepting, lets every connection finish the exchange it is in (idle keep-alive connections end at
    /// once), then gives the shadow copies in flight until <paramref name="cancellationToken"/> fires. Queued
    /// copies left unsent are counted as dropped. Every sink is closed exactly once.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => _listener.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _listener.DisposeAsync();

    ProxyConnection IConnectionHost<ProxyConnection>.Open(Socket socket)
    {
        socket.NoDelay = true;

        // One seed a connection, drawn in accept order, so a fixed seed fixes every connection's sampling and noise.
        var seed = SplitMix64.Mix(_seed + (0x9E3779B97F4A7C15UL * (ulong)Interlocked.Increment(ref _accepted)));
        return new ProxyConnection(socket, _sinks.Open(), _context, seed);
    }

    void IConnectionHost<ProxyConnection>.Closed(ProxyConnection connection) => _sinks.Close(connection.Sink);

    void IConnectionHost<ProxyConnection>.Rejected(int maxConnections)
    {
        _sinks.OnConnectionRejected();
        MirrorLog.ConnectionRejected(_context.Logger, _stream.Name, maxConnections);
    }

    void IConnectionHost<ProxyConnection>.ConnectionFailed(Exception exception) => MirrorLog.ConnectionError(_context.Logger, _stream.Name, exception);

    void IConnectionHost<ProxyConnection>.AcceptFailed(Exception exception) => MirrorLog.AcceptFailed(_context.Logger, _stream.Name, exception);

    /// <summary>The client connections have ended: give the shadow copies in flight until the deadline, then close the rest.</summary>
    async Task IConnectionHost<ProxyConnection>.StoppedAsync(int aborted, CancellationToken cancellationToken)
    {
        var unsent = await _context.Sender.StopAsync(cancellationToken).ConfigureAwait(false);
        await _context.Sender.DisposeAsync().ConfigureAwait(false);
        _sinks.Close(_shadowSink);
        await _pool.DisposeAsync().ConfigureAwait(false);
        MirrorLog.Stopped(_context.Logger, _stream.Name, unsent);
    }

    private static ShadowPlan LoadPlan(StreamOptions stream)
    {
        var m = stream.Tap.Mirror;
        if (string.IsNullOrEmpty(m.ProfilePath))
        {
            if (!string.IsNullOrEmpty(m.Scenario))
            {
                throw new InvalidOperationException($"Stream '{stream.Name}': Tap:Mirror:Scenario: '{m.Scenario}' needs a profile (Tap:Mirror:ProfilePath).");
            }

            return ShadowPlan.None;
        }

        var errors = new List<string>();
        var profile = ShadowProfileLoader.Load(m.ProfilePath, errors);
        if (profile is null)
        {
            throw new InvalidOperationException($"Stream '{stream.Name}': Tap:Mirror:ProfilePath '{m.ProfilePath}': {string.Join(" ", errors)}");
        }

        try
        {
            return ShadowPlan.From(profile, m.Scenario);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"Stream '{stream.Name}': Tap:Mirror:Scenario: {e.Message}", e);
        }
    }
}
