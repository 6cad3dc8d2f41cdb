using System.Net;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Tests.Uplink;

/// <summary>
/// A real AgentLink server on Kestrel (127.0.0.1, port 0, HTTP/2 cleartext) that records what the agent sends
/// and lets the test answer, acknowledge, or cut the stream.
/// </summary>
internal sealed class FakeAggregator : AgentLink.AgentLinkBase, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private WebApplication? _app;
    private Channel<AggregatorMessage>? _outgoing;
    private CancellationTokenSource? _drop;
    private int _connections;

    public Channel<(int Connection, AgentMessage Message)> Received { get; } = Channel.CreateUnbounded<(int, AgentMessage)>();

    public string Address { get; private set; } = "";

    /// <summary>What the next Welcome reports as stored.</summary>
    public ulong StoredThrough { get; set; }

    public uint WelcomeHeartbeatMs { get; set; }

    /// <summary>Acknowledge every batch as soon as it arrives.</summary>
    public bool AutoAck { get; set; }

    public int Connections => Volatile.Read(ref _connections);

    public static async Task<FakeAggregator> StartAsync()
    {
        var fake = new FakeAggregator();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(fake);
        var app = builder.Build();
        app.MapGrpcService<FakeAggregator>();
        await app.StartAsync();
        fake._app = app;
        fake.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public async Task<AgentMessage> NextAsync(TimeSpan? timeout = null)
    {
        var (_, message) = await Received.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
        return message;
    }

    /// <summary>The next message of the given kind; others (heartbeats) are skipped.</summary>
    public async Task<(int Connection, AgentMessage Message)> NextOfAsync(AgentMessage.BodyOneofCase kind, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var item = await Received.Reader.ReadAsync(cts.Token);
            if (item.Message.BodyCase == kind)
            {
                return item;
            }
        }
    }

    public void Send(AggregatorMessage message)
    {
        lock (_lock)
        {
            _outgoing!.Writer.TryWrite(message);
        }
    }

    public void DropConnection()
    {
        lock (_lock)
        {
            _drop!.Cancel();
        }
    }

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<AggregatorMessage> responseStream, ServerCallContext context)
    {
        var connection = Interlocked.Increment(ref _connections);
        var outgoing = Channel.CreateUnbounded<AggregatorMessage>();
        var drop = new CancellationTokenSource();
        lock (_lock)
        {
            _outgoing = outgoing;
            _drop = drop;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, drop.Token);
        if (!await requestStream.MoveNext(cts.Token) || requestStream.Current.BodyCase != AgentMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "the first message must be Hello"));
        }

        Received.Writer.TryWrite((connection, requestStream.Current));
        await responseStream.WriteAsync(new AggregatorMessage
        {
            Welcome = new Welcome { ProtocolVersion = 1, StoredThrough = StoredThrough, HeartbeatIntervalMs = WelcomeHeartbeatMs, AggregatorVersion = "fake" },
        });

        var writer = Task.Run(async () =>
        {
            await foreach (var m in outgoing.Reader.ReadAllAsync(cts.Token))
            {
                await responseStream.WriteAsync(m, cts.Token);
            }
        });

        try
        {
            while (await requestStream.MoveNext(cts.Token))
            {
                var message = requestStream.Current;
                Received.Writer.TryWrite((connection, message));
                if (AutoAck && message.BodyCase == AgentMessage.BodyOneofCase.Profiles)
                {
                    outgoing.Writer.TryWrite(new AggregatorMessage { Ack = new Ack { AckedThrough = message.Profiles.Sequence } });
                }
            }
        }
        catch (OperationCanceledException) when (drop.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "dropped by the test"));
        }
        finally
        {
            outgoing.Writer.TryComplete();
            await cts.CancelAsync();
            try
            {
                await writer;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
