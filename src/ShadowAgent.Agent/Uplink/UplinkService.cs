using System.IO.Compression;
using System.Net.Http;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Compression;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShadowAgent.Agent.Actuation;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Mirroring;
using ShadowAgent.Agent.Models;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Uplink;

/// <summary>
/// The agent's end of AgentLink.Connect: one bidirectional stream to the aggregator for the life of the
/// process. Sends Hello, waits for Welcome, skips what the aggregator already stored, resends the rest of
/// the outbox in order and then new batches as windows close; trims the outbox on cumulative acks; sends
/// heartbeats; answers every command (resizes through the injected handler, off the read loop so a slow
/// actuator never delays acks; mirror share updates through the mirrors; model and stream-configuration updates as not applied). Any failure reconnects
/// with jittered exponential backoff. Only the send loop writes to the stream; the read loop hands it replies,
/// and replies not sent before a reconnect go out on the next session.
/// </summary>
internal sealed class UplinkService : BackgroundService
{
    private const string ResizeUnsupported = "resize is not supported by this agent version";
    private const string ModelsUnsupported = "model updates are not supported by this agent version";
    private const string StreamConfigUnsupported = "stream configuration updates are not supported by this agent version";

    private readonly AggregatorOptions _options;
    private readonly IProfileSpool _spool;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly UplinkMetrics _metrics;
    private readonly ReconnectBackoff _backoff;
    private readonly Hello _hello;
    private readonly ICommandHandler? _commands;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Pulse _wake = new();
    private readonly Pulse _acked = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<AgentMessage> _replies = new();
    private readonly StreamModels? _models;
    private readonly MirrorShareHandler? _mirrorShares;
    private long _recordsTotal;
    private long _droppedRecordsTotal;
    private long _profilesTotal;
    private long _sessions;
    private long _lastAckTicks;
    private int _warnedResize;
    private int _warnedModel;
    private int _warnedStreamConfig;

    /// <param name="commands">Where resize commands are applied; null answers them as not supported.</param>
    /// <param name="models">Where model updates are loaded; null answers them as not supported.</param>
    /// <param name="mirrorShares">Where mirror share updates are applied; null leaves "mirror.share" out of Hello.</param>
    public UplinkService(
        AgentOptions options, IProfileSpool spool, TimeProvider time, ILogger<UplinkService> logger, UplinkMetrics metrics, Random random,
        ICommandHandler? commands = null, StreamModels? models = null, MirrorShareHandler? mirrorShares = null)
    {
        _mirrorShares = mirrorShares;
        _commands = commands;
        _models = models;
        _options = options.Aggregator;
        _spool = spool;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _backoff = new ReconnectBackoff(_options.ReconnectMin, _options.ReconnectMax, random);
        _hello = new Hello
        {
            HostId = options.HostId,
            HostName = options.HostName,
            AgentVersion = HostFacts.AgentVersion,
            ProtocolVersion = HostFacts.ProtocolVersion,
            Resources = HostFacts.ReadResources(),
            SessionEpoch = spool.SessionEpoch,
            AgentStartUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        _hello.Capabilities.AddRange(HostFacts.Capabilities);
        if (commands is not null)
        {
            _hello.Capabilities.AddRange(commands.Capabilities);
        }

        if (mirrorShares is not null)
        {
            _hello.Capabilities.Add(MirrorShareHandler.Capability);
        }

        foreach (var stream in options.Streams)
        {
            _hello.Streams.Add(ProfileMapper.ToDescriptor(stream));
        }
    }

    /// <summary>Sessions that got as far as a Welcome.</summary>
    public long Sessions => Interlocked.Read(ref _sessions);

    public ulong SessionEpoch => _hello.SessionEpoch;

    /// <summary>Queues the profiles of one window close as one batch.</summary>
    public void Publish(IReadOnlyList<WindowProfile> profiles)
    {
        if (profiles.Count == 0)
        {
            return;
        }

        foreach (var p in profiles)
        {
            Interlocked.Add(ref _recordsTotal, p.Volume.Records);
            Interlocked.Add(ref _droppedRecordsTotal, p.Volume.DroppedRecords);
        }

        Interlocked.Add(ref _profilesTotal, profiles.Count);
        _spool.Append(profiles.Select(ProfileMapper.ToProto), _time.GetUtcNow(), out var dropped);
        if (dropped > 0)
        {
            _metrics.BatchesDropped.Add(dropped);
            UplinkLog.OutboxFull(_logger, _spool.Capacity, dropped);
        }

        _wake.Fire();
    }

    /// <summary>Completes when every queued batch is acknowledged.</summary>
    public async Task WaitForDrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = _acked.Next;
            if (_spool.Count == 0)
            {
                return;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits (within the host's shutdown timeout) for the acks of everything outstanding, then stops the link.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WaitForDrainAsync(cancellationToken);
            UplinkLog.DrainedAtShutdown(_logger);
        }
        catch (OperationCanceledException)
        {
            UplinkLog.UnackedAtShutdown(_logger, _spool.Count);
        }

        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var channel = CreateChannel(_options.Endpoint);
        var client = new AgentLink.AgentLinkClient(channel);
        while (!stoppingToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                await RunSessionAsync(client, stoppingToken);
                reason = "the aggregator ended the stream";
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (stoppingToken.IsCancellationRequested && ex.StatusCode == StatusCode.Cancelled)
            {
                return;
            }
            catch (Exception ex)
            {
                reason = ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message;
            }

            _metrics.Reconnects.Add(1);
            var delay = _backoff.Next();
            UplinkLog.LinkFailed(_logger, _options.Endpoint, (long)delay.TotalMilliseconds, reason);
            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static readonly Metadata CompressedRequests = new() { { "grpc-internal-encoding-request", "gzip" } };

    private static GrpcChannel CreateChannel(string endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            // One long-lived HTTP/2 connection; pings find a dead peer that TCP alone would notice late.
            EnableMultipleHttp2Connections = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        return GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 64 * 1024 * 1024,

            // A few batches every window: compressing them well costs little and halves what goes on the wire.
            CompressionProviders = [new GzipCompressionProvider(CompressionLevel.Optimal)],
        });
    }

    private async Task RunSessionAsync(AgentLink.AgentLinkClient client, CancellationToken stoppingToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        // Profiles travel gzip-compressed: sketches of integer counts and repeated field names shrink by half.
        using var call = client.Connect(headers: CompressedRequests, cancellationToken: session.Token);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = _hello }, session.Token);

        Welcome welcome;
        using (var welcomeTimeout = new CancellationTokenSource(_options.AckTimeout, _time))
        using (var waitWelcome = CancellationTokenSource.CreateLinkedTokenSource(session.Token, welcomeTimeout.Token))
        {
            try
            {
                if (!await call.ResponseStream.MoveNext(waitWelcome.Token))
                {
                    throw new IOException("the aggregator closed the stream before its Welcome");
                }
            }
            catch (Exception ex) when (welcomeTimeout.IsCancellationRequested && !stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                throw new TimeoutException($"no Welcome within {_options.AckTimeout}", ex);
            }

            welcome = call.ResponseStream.Current.Welcome
                ?? throw new IOException($"the aggregator's first message was {call.ResponseStream.Current.BodyCase}, not Welcome");
        }

        var trimmed = _spool.TrimThrough(welcome.StoredThrough);
        if (trimmed > 0)
        {
            _metrics.BatchesAcked.Add(trimmed);
            _acked.Fire();
        }

        _backoff.Reset();
        Interlocked.Increment(ref _sessions);
        Interlocked.Exchange(ref _lastAckTicks, _time.GetUtcNow().UtcTicks);
        var resending = _spool.After(welcome.StoredThrough).Count;
        UplinkLog.Connected(_logger, _options.Endpoint, welcome.AggregatorVersion, welcome.StoredThrough, resending);

        var heartbeat = welcome.HeartbeatIntervalMs > 0 ? TimeSpan.FromMilliseconds(welcome.HeartbeatIntervalMs) : _options.HeartbeatInterval;
        var reader = ReadLoopAsync(call.ResponseStream, session.Token);
        try
        {
            await SendLoopAsync(call.RequestStream, reader, welcome.StoredThrough, heartbeat, session.Token);
        }
        finally
        {
            await session.CancelAsync();
            try
            {
                await reader;
            }
            catch (Exception) when (session.IsCancellationRequested)
            {
                // The read loop ends with the session; its own failure, if any, was already observed.
            }
        }
    }

    private async Task SendLoopAsync(IClientStreamWriter<AgentMessage> writer, Task reader, ulong sentThrough, TimeSpan heartbeat, CancellationToken cancellationToken)
    {
        var nextHeartbeat = _time.GetUtcNow() + heartbeat;
        while (true)
        {
            var wake = _wake.Next;
            while (_replies.TryDequeue(out var reply))
            {
                await writer.WriteAsync(reply, cancellationToken);
            }

            foreach (var batch in _spool.After(sentThrough))
            {
                await writer.WriteAsync(new AgentMessage { Profiles = batch.Batch }, cancellationToken);
                sentThrough = batch.Sequence;
                _metrics.BatchesSent.Add(1);
            }

            var now = _time.GetUtcNow();
            if (now >= nextHeartbeat)
            {
                await writer.WriteAsync(new AgentMessage { Heartbeat = BuildHeartbeat(now) }, cancellationToken);
                nextHeartbeat = now + heartbeat;
            }

            // Sent but unacknowledged for too long: the aggregator is stuck or the stream is half-dead.
            var outstanding = _spool.Count - _spool.After(sentThrough).Count;
            if (outstanding == 0)
            {
                Interlocked.Exchange(ref _lastAckTicks, now.UtcTicks);
            }
            else if (now.UtcTicks - Interlocked.Read(ref _lastAckTicks) > _options.AckTimeout.Ticks)
            {
                throw new TimeoutException($"{outstanding} batches not acknowledged within {_options.AckTimeout}");
            }

            using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(Min(nextHeartbeat - now, _options.AckTimeout), _time, waitCts.Token);
            var done = await Task.WhenAny(wake, delay, reader);
            await waitCts.CancelAsync();
            if (done == reader)
            {
                await reader;
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task ReadLoopAsync(IAsyncStreamReader<AggregatorMessage> responses, CancellationToken cancellationToken)
    {
        while (await responses.MoveNext(cancellationToken))
        {
            var message = responses.Current;
            switch (message.BodyCase)
            {
                case AggregatorMessage.BodyOneofCase.Ack:
                    var removed = _spool.TrimThrough(message.Ack.AckedThrough);
                    Interlocked.Exchange(ref _lastAckTicks, _time.GetUtcNow().UtcTicks);
                    if (removed > 0)
                    {
                        _metrics.BatchesAcked.Add(removed);
                    }

                    _acked.Fire();
                    break;
                case AggregatorMessage.BodyOneofCase.Resize when _commands is not null:
                    _ = ResizeAsync(_commands, message.Resize);
                    break;
                case AggregatorMessage.BodyOneofCase.Resize:
                    WarnOnce(ref _warnedResize, "ResizeCommand");
                    Reply(new AgentMessage
                    {
                        CommandResult = new CommandResult
                        {
                            CommandId = message.Resize.CommandId,
                            Status = CommandResult.Types.Status.Rejected,
                            Message = ResizeUnsupported,
                        },
                    });
                    break;
                case AggregatorMessage.BodyOneofCase.ModelUpdate when _models is { } models:
                    // Building an ONNX Runtime session takes milliseconds: on the thread pool, so acks keep flowing.
                    var update = message.ModelUpdate;
                    _ = Task.Run(() => Reply(new AgentMessage { ModelResult = models.Apply(update) }), CancellationToken.None);
                    break;
                case AggregatorMessage.BodyOneofCase.ModelUpdate:
                    WarnOnce(ref _warnedModel, "ModelUpdate");
                    Reply(new AgentMessage
                    {
                        ModelResult = new ModelUpdateResult
                        {
                            ModelId = message.ModelUpdate.ModelId,
                            Version = message.ModelUpdate.Version,
                            Loaded = false,
                            Message = ModelsUnsupported,
                        },
                    });
                    break;
                case AggregatorMessage.BodyOneofCase.StreamConfig:
                    WarnOnce(ref _warnedStreamConfig, "StreamConfigUpdate");
                    Reply(new AgentMessage
                    {
                        StreamConfigResult = new StreamConfigResult
                        {
                            ConfigVersion = message.StreamConfig.ConfigVersion,
                            Stream = message.StreamConfig.Stream?.Name ?? "",
                            Applied = false,
                            Message = StreamConfigUnsupported,
                        },
                    });
                    break;
                case AggregatorMessage.BodyOneofCase.MirrorShare when _mirrorShares is { } shares:
                    // SetRate is a volatile store: applied on the read loop, in the order the aggregator sent them.
                    Reply(new AgentMessage { MirrorShareResult = shares.Apply(message.MirrorShare) });
                    break;
                default:
                    // A second Welcome or a message kind from a newer aggregator: ignored (evolution rule 3).
                    break;
            }
        }
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    /// <summary>Runs one resize to its result and queues the reply; the read loop does not wait for it.</summary>
    private async Task ResizeAsync(ICommandHandler commands, ResizeCommand command)
    {
        CommandResult result;
        try
        {
            result = await commands.HandleAsync(command, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            result = new CommandResult { CommandId = command.CommandId, Status = CommandResult.Types.Status.Failed, Message = ex.Message };
        }

        Reply(new AgentMessage { CommandResult = result });
    }

    private void Reply(AgentMessage reply)
    {
        _replies.Enqueue(reply);
        _wake.Fire();
    }

    private void WarnOnce(ref int warned, string kind)
    {
        if (Interlocked.Exchange(ref warned, 1) == 0)
        {
            UplinkLog.Unsupported(_logger, kind);
        }
    }

    private Heartbeat BuildHeartbeat(DateTimeOffset now)
    {
        var oldest = _spool.OldestAppendedAt;
        return new Heartbeat
        {
            SentUnixMs = now.ToUnixTimeMilliseconds(),
            UnackedBatches = (uint)_spool.Count,
            OldestUnackedMs = oldest is { } o ? (uint)Math.Clamp((long)(now - o).TotalMilliseconds, 0, uint.MaxValue) : 0,
            RecordsTotal = (ulong)Interlocked.Read(ref _recordsTotal),
            DroppedRecordsTotal = (ulong)Interlocked.Read(ref _droppedRecordsTotal),
            ProfilesTotal = (ulong)Interlocked.Read(ref _profilesTotal),
        };
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b)
    {
        var min = a < b ? a : b;
        return min < TimeSpan.Zero ? TimeSpan.Zero : min;
    }
}
