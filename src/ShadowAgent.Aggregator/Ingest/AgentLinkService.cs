using Grpc.Core;
using Microsoft.Extensions.Logging;
using ShadowAgent.Aggregator.Feed;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Aggregator.Models;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Aggregator.Telemetry;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Ingest;

/// <summary>
/// The ingest end of AgentLink.Connect: one call per agent process, for its whole life.
/// Hello → Welcome(stored_through), then batches are stored in sequence and acknowledged cumulatively.
/// </summary>
internal sealed class AgentLinkService(
    MetadataStore store,
    AgentConnections connections,
    ProfileFeed feed,
    AggregatorMetrics metrics,
    AggregatorOptions options,
    IEnumerable<ICommandResultHandler> resultHandlers,
    ModelRefresh models,
    IEnumerable<IMirrorShareResultHandler> shareHandlers,
    ILogger<AgentLinkService> logger) : AgentLink.AgentLinkBase
{
    public const uint ProtocolVersion = 1;

    public static readonly string AggregatorVersion =
        typeof(AgentLinkService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public override async Task Connect(
        IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<AggregatorMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.BodyCase != AgentMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "first message must be hello"));
        }

        var hello = requestStream.Current.Hello;
        ValidateHello(hello);
        var storedThrough = await store.OpenSessionAsync(hello, context.CancellationToken);

        // Welcome goes out before the writer loop starts, so it is always the first message.
        await responseStream.WriteAsync(new AggregatorMessage
        {
            Welcome = new Welcome
            {
                ProtocolVersion = ProtocolVersion,
                StoredThrough = storedThrough,
                HeartbeatIntervalMs = (uint)options.HeartbeatInterval.TotalMilliseconds,
                AggregatorVersion = AggregatorVersion,
            },
        }, context.CancellationToken);

        // gRPC's own headers are not in RequestHeaders; the HTTP request has them.
        var encoding = context.GetHttpContext().Request.Headers["grpc-encoding"].ToString() is { Length: > 0 } e ? e : "identity";
        var connection = new AgentConnection(hello.HostId, hello.SessionEpoch, context.CancellationToken, encoding) { Hello = hello };
        connections.Register(connection);

        // An agent that connects after its streams' models were trained gets the newest versions now.
        models.OfferLatest(connection);
        IngestLog.AgentConnected(logger, hello.HostId, hello.HostName, hello.AgentVersion, hello.SessionEpoch, storedThrough, encoding);
        var writer = WriteLoopAsync(connection, responseStream);
        try
        {
            await ReadLoopAsync(requestStream, connection, storedThrough);
        }
        catch (OperationCanceledException) when (connection.Lifetime.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            IngestLog.Replaced(logger, hello.HostId, hello.SessionEpoch);
        }
        finally
        {
            // Drain what is queued (acks first of all) before the call completes with its status.
            connection.Complete();
            await writer;
            // Lifetime is not disposed: a concurrent Register may still cancel it; it dies with the call's token.
            // A stream replaced by a reconnect of the same agent must not mark the host disconnected.
            if (connections.Unregister(connection))
            {
                await store.MarkDisconnectedAsync(hello.HostId, hello.SessionEpoch);
                IngestLog.AgentDisconnected(logger, hello.HostId, hello.SessionEpoch);
            }
        }
    }

    private async Task ReadLoopAsync(IAsyncStreamReader<AgentMessage> requestStream, AgentConnection connection, ulong storedThrough)
    {
        var token = connection.Lifetime.Token;
        while (await requestStream.MoveNext(token))
        {
            var message = requestStream.Current;
            switch (message.BodyCase)
            {
                case AgentMessage.BodyOneofCase.Profiles:
                    storedThrough = await StoreBatchAsync(connection, message.Profiles, storedThrough, token);
                    await connection.SendAsync(new AggregatorMessage { Ack = new Ack { AckedThrough = storedThrough } }, token);
                    break;
                case AgentMessage.BodyOneofCase.Heartbeat:
                    await store.RecordHeartbeatAsync(connection.HostId, connection.SessionEpoch, message.Heartbeat, token);
                    break;
                case AgentMessage.BodyOneofCase.CommandResult:
                    foreach (var handler in resultHandlers)
                    {
                        await handler.OnCommandResultAsync(connection.HostId, message.CommandResult, token);
                    }

                    break;
                case AgentMessage.BodyOneofCase.MirrorShareResult:
                    foreach (var handler in shareHandlers)
                    {
                        await handler.OnMirrorShareResultAsync(connection.HostId, message.MirrorShareResult, token);
                    }

                    break;
                case AgentMessage.BodyOneofCase.ModelResult:
                    await models.RecordResultAsync(connection.HostId, message.ModelResult, token);
                    break;
                case AgentMessage.BodyOneofCase.Hello:
                    throw new RpcException(new Status(StatusCode.FailedPrecondition, "hello may only be the first message"));
                default:
                    // Unknown kinds are ignored as the contract's evolution rules require.
                    break;
            }
        }
    }

    private async Task<ulong> StoreBatchAsync(AgentConnection connection, ProfileBatch batch, ulong storedThrough, CancellationToken token)
    {
        metrics.BatchesReceived.Add(1);
        if (batch.Sequence <= storedThrough)
        {
            // A batch resent after a lost ack: already stored, acknowledge again.
            IngestLog.DuplicateBatch(logger, connection.HostId, batch.Sequence, storedThrough);
            return storedThrough;
        }

        if (batch.Sequence != storedThrough + 1)
        {
            // An agent whose outbox overflowed dropped its oldest batches (and counted them); they will never
            // come. Refusing the batch would make the agent reconnect and resend the same gap forever.
            var lost = batch.Sequence - storedThrough - 1;
            metrics.BatchesLost.Add((long)lost);
            IngestLog.BatchesLost(logger, connection.HostId, storedThrough + 1, batch.Sequence - 1);
        }

        // Invalid profiles are counted and skipped, and the batch is still acknowledged: refusing it would make
        // the agent resend the same batch forever and block every later profile of the stream (a poison message).
        var valid = new List<ShadowProfile>(batch.Profiles.Count);
        foreach (var profile in batch.Profiles)
        {
            var reason = Reject(profile);
            if (reason is null)
            {
                valid.Add(profile);
                continue;
            }

            metrics.ProfilesRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
            IngestLog.ProfileRejected(logger, connection.HostId, profile.Stream, batch.Sequence, reason);
        }

        var stored = await store.StoreBatchAsync(connection.HostId, connection.SessionEpoch, batch.Sequence, valid, token);
        metrics.ProfilesStored.Add(stored.Count);
        feed.Publish(connection.HostId, stored);
        return batch.Sequence;
    }

    private static string? Reject(ShadowProfile profile) =>
        profile.Stream.Length == 0 ? "empty_stream"
        : profile.WindowEndUnixMs <= profile.WindowStartUnixMs ? "empty_window"
        : null;

    private static async Task WriteLoopAsync(AgentConnection connection, IServerStreamWriter<AggregatorMessage> responseStream)
    {
        try
        {
            await foreach (var message in connection.Outbound.ReadAllAsync(connection.Lifetime.Token))
            {
                await responseStream.WriteAsync(message, connection.Lifetime.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The call is over; undelivered commands are the sender's to retry when the agent is back.
        }
        catch (InvalidOperationException)
        {
            // The response stream was completed under us (call finished); nothing left to write to.
        }
    }

    private static void ValidateHello(Hello hello)
    {
        if (hello.HostId.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello.host_id is empty"));
        }

        if (hello.ProtocolVersion != ProtocolVersion)
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition, $"hello.protocol_version {hello.ProtocolVersion} is not supported; this aggregator speaks {ProtocolVersion}"));
        }
    }
}
