using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Agent.Actuation;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Uplink;
using ShadowAgent.Core.Profiles;
using NumericSummary = ShadowAgent.Core.Profiles.NumericSummary;
using VolumeCounters = ShadowAgent.Core.Profiles.VolumeCounters;
using ShadowAgent.Core.Streams;
using ShadowAgent.Protocol.V1;
using Kind = ShadowAgent.Protocol.V1.AgentMessage.BodyOneofCase;

namespace ShadowAgent.Agent.Tests.Uplink;

public sealed class UplinkServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);

    private readonly ManualTimeProvider _time = new(T0);
    private readonly UplinkMetrics _metrics = new();
    private FakeAggregator _server = null!;
    private ProfileSpool _spool = null!;
    private UplinkService _uplink = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeAggregator.StartAsync();
        Create(capacity: 16);
    }

    public async Task DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.Zero);
        await _uplink.StopAsync(cts.Token);
        _uplink.Dispose();
        await _server.DisposeAsync();
        _metrics.Dispose();
    }

    private void Create(int capacity, TimeSpan? ackTimeout = null, ICommandHandler? commands = null)
    {
        var options = new AgentOptions
        {
            HostId = "host-1",
            HostName = "box",
            Aggregator = new AggregatorOptions
            {
                Endpoint = _server.Address,
                ReconnectMin = TimeSpan.FromMilliseconds(200),
                ReconnectMax = TimeSpan.FromSeconds(1),
                HeartbeatInterval = TimeSpan.FromSeconds(5),
                AckTimeout = ackTimeout ?? TimeSpan.FromMinutes(10),
                MaxUnackedBatches = capacity,
            },
            Streams = [new StreamOptions { Name = "web", Tap = new TapOptions { Address = "127.0.0.1:7410" }, NumericFields = ["latency"] }],
        };
        _spool = new ProfileSpool(capacity);
        _uplink = new UplinkService(options, _spool, _time, NullLogger<UplinkService>.Instance, _metrics, new Random(42), commands);
    }

    private static WindowProfile Profile(int window, long parsed) => new()
    {
        Stream = "web",
        WindowStart = T0.AddSeconds(10 * window),
        WindowEnd = T0.AddSeconds(10 * (window + 1)),
        Covered = TimeSpan.FromSeconds(10),
        Volume = new VolumeCounters { Parsed = parsed, Bytes = parsed * 10 },
        NumericFields = ["latency"],
        Numeric = [NumericSummary.Empty],
    };

    private async Task StartAndWelcomeAsync()
    {
        await _uplink.StartAsync(CancellationToken.None);
        await Eventually.Until(() => _uplink.Sessions == 1, "the first session is welcomed");
    }

    [Fact]
    public async Task Connect_FirstMessage_IsHelloWithIdentityAndStreams()
    {
        await _uplink.StartAsync(CancellationToken.None);

        var first = await _server.NextAsync();

        Assert.Equal(Kind.Hello, first.BodyCase);
        var hello = first.Hello;
        Assert.Equal("host-1", hello.HostId);
        Assert.Equal("box", hello.HostName);
        Assert.Equal(1u, hello.ProtocolVersion);
        Assert.Equal(["profiles.v1", "models.onnx"], hello.Capabilities);
        Assert.NotEqual(0ul, hello.SessionEpoch);
        Assert.Equal(T0.ToUnixTimeMilliseconds(), hello.AgentStartUnixMs);
        Assert.False(string.IsNullOrEmpty(hello.AgentVersion));
        Assert.Equal((uint)Environment.ProcessorCount, hello.Resources.LogicalCpus);
        var stream = Assert.Single(hello.Streams);
        Assert.Equal("web", stream.Name);
        Assert.Equal(10_000u, stream.WindowMs);
    }

    [Fact]
    public async Task Publish_ThreeCloses_SentAsConsecutiveBatches()
    {
        await StartAndWelcomeAsync();

        _uplink.Publish([Profile(0, 5)]);
        _uplink.Publish([Profile(1, 6), Profile(1, 7)]);
        _uplink.Publish([Profile(2, 8)]);

        var batches = new List<ProfileBatch>();
        for (var i = 0; i < 3; i++)
        {
            batches.Add((await _server.NextOfAsync(Kind.Profiles)).Message.Profiles);
        }

        Assert.Equal([1ul, 2ul, 3ul], batches.Select(b => b.Sequence));
        Assert.Equal([1, 2, 1], batches.Select(b => b.Profiles.Count));
        Assert.Equal(5ul, batches[0].Profiles[0].Volume.Parsed);
        Assert.Equal(T0.AddSeconds(10).ToUnixTimeMilliseconds(), batches[1].Profiles[0].WindowStartUnixMs);
    }

    [Fact]
    public async Task Ack_Cumulative_TrimsOutboxAndDrains()
    {
        await StartAndWelcomeAsync();
        for (var i = 0; i < 3; i++)
        {
            _uplink.Publish([Profile(i, 1)]);
        }

        for (var i = 0; i < 3; i++)
        {
            await _server.NextOfAsync(Kind.Profiles);
        }

        Assert.Equal(3, _spool.Count);
        _server.Send(new AggregatorMessage { Ack = new Ack { AckedThrough = 2 } });
        await Eventually.Until(() => _spool.Count == 1, "batches 1 and 2 are trimmed");
        Assert.Equal([3ul], _spool.After(0).Select(b => b.Sequence));

        var drained = _uplink.WaitForDrainAsync(CancellationToken.None);
        Assert.False(drained.IsCompleted);
        _server.Send(new AggregatorMessage { Ack = new Ack { AckedThrough = 3 } });
        await drained.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, _spool.Count);
    }

    [Fact]
    public async Task Reconnect_StreamDropped_ResendsUnackedAfterStoredThrough()
    {
        await StartAndWelcomeAsync();
        for (var i = 0; i < 3; i++)
        {
            _uplink.Publish([Profile(i, i + 1)]);
        }

        for (var i = 0; i < 3; i++)
        {
            await _server.NextOfAsync(Kind.Profiles);
        }

        var firstEpoch = _uplink.SessionEpoch;
        _server.StoredThrough = 1;
        _server.DropConnection();
        await Eventually.Until(() => _server.Connections == 2, "the agent reconnects", eachRound: () => _time.Advance(TimeSpan.FromMilliseconds(100)));

        var hello = await _server.NextOfAsync(Kind.Hello);
        Assert.Equal(2, hello.Connection);
        Assert.Equal(firstEpoch, hello.Message.Hello.SessionEpoch);
        var resent2 = await _server.NextOfAsync(Kind.Profiles);
        var resent3 = await _server.NextOfAsync(Kind.Profiles);
        Assert.Equal((2, 2ul), (resent2.Connection, resent2.Message.Profiles.Sequence));
        Assert.Equal((2, 3ul), (resent3.Connection, resent3.Message.Profiles.Sequence));
        Assert.Equal(3ul, resent3.Message.Profiles.Profiles[0].Volume.Parsed);
        Assert.Equal([2ul, 3ul], _spool.After(0).Select(b => b.Sequence));

        _uplink.Publish([Profile(3, 1)]);
        var fresh = await _server.NextOfAsync(Kind.Profiles);
        Assert.Equal(4ul, fresh.Message.Profiles.Sequence);
    }

    [Fact]
    public async Task Publish_OutboxFull_DropsOldestAndCounts()
    {
        await _uplink.DisposeAsyncSafe();
        Create(capacity: 2);

        _uplink.Publish([Profile(0, 1)]);
        _uplink.Publish([Profile(1, 1)]);
        _uplink.Publish([Profile(2, 1)]);
        _uplink.Publish([Profile(3, 1)]);

        Assert.Equal(2, _spool.DroppedTotal);
        Assert.Equal([3ul, 4ul], _spool.After(0).Select(b => b.Sequence));

        // What is left goes out in order once the link is up.
        _server.AutoAck = true;
        await StartAndWelcomeAsync();
        Assert.Equal(3ul, (await _server.NextOfAsync(Kind.Profiles)).Message.Profiles.Sequence);
        Assert.Equal(4ul, (await _server.NextOfAsync(Kind.Profiles)).Message.Profiles.Sequence);
        await _uplink.WaitForDrainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Metrics_SendAckDropReconnect_Counted()
    {
        var totals = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == _metrics.Meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();
        long Total(string name)
        {
            lock (totals)
            {
                return totals.GetValueOrDefault(name);
            }
        }

        await _uplink.DisposeAsyncSafe();
        Create(capacity: 1);
        _uplink.Publish([Profile(0, 1)]);
        _uplink.Publish([Profile(1, 1)]);
        _server.AutoAck = true;
        await StartAndWelcomeAsync();
        await _uplink.WaitForDrainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        _server.DropConnection();
        await Eventually.Until(() => _server.Connections == 2, "the agent reconnects", eachRound: () => _time.Advance(TimeSpan.FromMilliseconds(100)));

        Assert.Equal(1, Total("shadow.uplink.batches.dropped"));
        Assert.Equal(1, Total("shadow.uplink.batches.sent"));
        Assert.Equal(1, Total("shadow.uplink.batches.acked"));
        Assert.True(Total("shadow.uplink.reconnects") >= 1);
    }

    [Fact]
    public async Task AckTimeout_SentBatchNeverAcked_Reconnects()
    {
        await _uplink.DisposeAsyncSafe();
        Create(capacity: 16, ackTimeout: TimeSpan.FromSeconds(30));
        await StartAndWelcomeAsync();
        _uplink.Publish([Profile(0, 1)]);
        await _server.NextOfAsync(Kind.Profiles);

        await Eventually.Until(() => _server.Connections == 2, "the agent gives up on the silent stream and reconnects", eachRound: () => _time.Advance(TimeSpan.FromSeconds(2)));

        var resent = await _server.NextOfAsync(Kind.Profiles);
        Assert.Equal((2, 1ul), (resent.Connection, resent.Message.Profiles.Sequence));
    }

    [Fact]
    public async Task Heartbeat_IntervalElapsed_SentWithOutboxState()
    {
        await StartAndWelcomeAsync();
        _uplink.Publish([Profile(0, 7)]);
        await _server.NextOfAsync(Kind.Profiles);

        var heartbeat = _server.NextOfAsync(Kind.Heartbeat);
        await Eventually.Until(() => heartbeat.IsCompleted, "a heartbeat arrives", eachRound: () => _time.Advance(TimeSpan.FromSeconds(1)));

        var hb = (await heartbeat).Message.Heartbeat;
        Assert.Equal(1u, hb.UnackedBatches);
        Assert.Equal(7ul, hb.RecordsTotal);
        Assert.Equal(1ul, hb.ProfilesTotal);
        Assert.True(hb.SentUnixMs >= T0.AddSeconds(5).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Commands_Unsupported_AnsweredAsNotApplied()
    {
        await StartAndWelcomeAsync();

        _server.Send(new AggregatorMessage { Resize = new ResizeCommand { CommandId = "c-1", Target = "cgroup:/shadow/web", CpuCores = 2 } });
        var result = (await _server.NextOfAsync(Kind.CommandResult)).Message.CommandResult;
        _server.Send(new AggregatorMessage { ModelUpdate = new ModelUpdate { ModelId = "m-1", Version = 3 } });
        var model = (await _server.NextOfAsync(Kind.ModelResult)).Message.ModelResult;
        _server.Send(new AggregatorMessage { StreamConfig = new StreamConfigUpdate { ConfigVersion = 9, Stream = new StreamDescriptor { Name = "web" } } });
        var config = (await _server.NextOfAsync(Kind.StreamConfigResult)).Message.StreamConfigResult;

        Assert.Equal("c-1", result.CommandId);
        Assert.Equal(CommandResult.Types.Status.Rejected, result.Status);
        Assert.Equal("resize is not supported by this agent version", result.Message);
        Assert.Equal(("m-1", 3u, false), (model.ModelId, model.Version, model.Loaded));
        Assert.Equal((9ul, "web", false), (config.ConfigVersion, config.Stream, config.Applied));
    }

    [Fact]
    public async Task Resize_WithHandler_ResultWithBeforeAfterAndCapabilitiesInHello()
    {
        _uplink.Dispose();
        using var handler = ResizeCommandHandler.Create(
            new ActuationOptions { Enabled = true, Libvirt = new LibvirtOptions { Uri = "test:///default", Domains = ["test"] } }, _time, NullLogger.Instance);
        Create(capacity: 16, commands: handler);
        await _uplink.StartAsync(CancellationToken.None);
        var hello = (await _server.NextOfAsync(Kind.Hello)).Message.Hello;
        Assert.Contains("resize.libvirt", hello.Capabilities);

        _server.Send(new AggregatorMessage { Resize = new ResizeCommand { CommandId = "vm-1", Target = "vm:test", CpuCores = 1 } });
        var result = (await _server.NextOfAsync(Kind.CommandResult)).Message.CommandResult;
        _server.Send(new AggregatorMessage { Resize = new ResizeCommand { CommandId = "vm-1", Target = "vm:test", CpuCores = 1 } });
        var repeated = (await _server.NextOfAsync(Kind.CommandResult)).Message.CommandResult;

        Assert.Equal(("vm-1", CommandResult.Types.Status.Applied), (result.CommandId, result.Status));
        Assert.Equal(("2", "1"), (result.Before["cpu_cores"], result.After["cpu_cores"]));
        Assert.Equal(result, repeated);
    }

    [Fact]
    public async Task Resize_SlowHandler_AcksAndProfilesKeepFlowing()
    {
        _uplink.Dispose();
        var gate = new BlockingHandler();
        Create(capacity: 16, commands: gate);
        _server.AutoAck = true;
        await StartAndWelcomeAsync();

        _server.Send(new AggregatorMessage { Resize = new ResizeCommand { CommandId = "slow", Target = "cgroup:web", CpuCores = 1 } });
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        _uplink.Publish([Profile(0, 5)]);
        using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await _uplink.WaitForDrainAsync(drain.Token);
        }

        gate.Release.SetResult();
        var result = (await _server.NextOfAsync(Kind.CommandResult)).Message.CommandResult;
        Assert.Equal("slow", result.CommandId);
    }

    private sealed class BlockingHandler : ICommandHandler
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Capabilities => [];

        public async Task<CommandResult> HandleAsync(ResizeCommand command, CancellationToken cancellationToken)
        {
            Entered.SetResult();
            await Release.Task;
            return new CommandResult { CommandId = command.CommandId, Status = CommandResult.Types.Status.Applied };
        }
    }

    [Fact]
    public async Task Welcome_StoredThroughCoversOutbox_NothingResent()
    {
        _uplink.Publish([Profile(0, 1)]);
        _uplink.Publish([Profile(1, 1)]);
        _server.StoredThrough = 2;

        await StartAndWelcomeAsync();
        _uplink.Publish([Profile(2, 1)]);

        var next = await _server.NextOfAsync(Kind.Profiles);
        Assert.Equal(3ul, next.Message.Profiles.Sequence);
        Assert.Equal([3ul], _spool.After(0).Select(b => b.Sequence));
    }
}

internal static class UplinkTestExtensions
{
    public static async Task DisposeAsyncSafe(this UplinkService uplink)
    {
        using var cts = new CancellationTokenSource(TimeSpan.Zero);
        await uplink.StopAsync(cts.Token);
        uplink.Dispose();
    }
}
