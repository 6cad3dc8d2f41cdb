using ShadowAgent.Core.Telemetry;
using Grpc.Core;
using ShadowAgent.Aggregator.Feed;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Tests;

public sealed class AgentLinkServiceTests
{
    [Fact]
    public async Task Connect_Hello_ReturnsWelcome()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var (call, welcome) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            Assert.Equal(1u, welcome.ProtocolVersion);
            Assert.Equal(0ul, welcome.StoredThrough);
            Assert.Equal(5000u, welcome.HeartbeatIntervalMs);
            Assert.False(string.IsNullOrEmpty(welcome.AggregatorVersion));
            Assert.True(aggregator.Get<AgentConnections>().TryGet("host-a", out _));
            await Agents.CloseAsync(call);
        }

        Assert.False(aggregator.Get<AgentConnections>().TryGet("host-a", out _));
        var host = Assert.Single(aggregator.Get<StoreReader>().ListHosts());
        Assert.False(host.Connected);
    }

    [Fact]
    public async Task Connect_Batches_StoredAndAcked()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            Assert.Equal(1ul, (await Agents.SendBatchAsync(call, 1, Agents.Profile(0), Agents.Profile(1))).AckedThrough);
            Assert.Equal(2ul, (await Agents.SendBatchAsync(call, 2, Agents.Profile(2))).AckedThrough);
            await Agents.CloseAsync(call);
        }

        Assert.Equal(3, aggregator.Get<StoreReader>().CountProfiles());
        var stream = Assert.Single(aggregator.Get<StoreReader>().ListStreams());
        Assert.Equal(300, stream.RecordsTotal);
        Assert.Equal(Agents.T0 + 30_000, stream.LastWindowEndMs);
    }

    [Fact]
    public async Task Connect_DuplicateBatch_ReackedNotRestored()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, Agents.Profile(0));
            await Agents.SendBatchAsync(call, 2, Agents.Profile(1));
            var again = await Agents.SendBatchAsync(call, 1, Agents.Profile(0));
            Assert.Equal(2ul, again.AckedThrough);
            await Agents.CloseAsync(call);
        }

        Assert.Equal(2, aggregator.Get<StoreReader>().CountProfiles());
        Assert.Equal(200, Assert.Single(aggregator.Get<StoreReader>().ListStreams()).RecordsTotal);
    }

    [Fact]
    public async Task Connect_ReconnectSameSession_WelcomeCarriesStoredThrough()
    {
        var directory = TestAggregator.NewDirectory();
        await using (var first = await TestAggregator.StartAsync(directory))
        {
            var (call, _) = await first.ConnectAsync(Agents.Hello(epoch: 7));
            using (call)
            {
                await Agents.SendBatchAsync(call, 1, Agents.Profile(0));
                await Agents.SendBatchAsync(call, 2, Agents.Profile(1));
                await Agents.CloseAsync(call);
            }
        }

        // A restarted aggregator on the same database: the session resumes where it was.
        await using var second = await TestAggregator.StartAsync(directory);
        var (resumed, welcome) = await second.ConnectAsync(Agents.Hello(epoch: 7));
        using (resumed)
        {
            Assert.Equal(2ul, welcome.StoredThrough);
            Assert.Equal(3ul, (await Agents.SendBatchAsync(resumed, 3, Agents.Profile(2))).AckedThrough);
            await Agents.CloseAsync(resumed);
        }

        var (fresh, freshWelcome) = await second.ConnectAsync(Agents.Hello(epoch: 8));
        using (fresh)
        {
            Assert.Equal(0ul, freshWelcome.StoredThrough);
            await Agents.CloseAsync(fresh);
        }

        Assert.Equal(3, second.Get<StoreReader>().CountProfiles());
    }

    [Fact]
    public async Task Connect_SequenceGap_StoresBatchAndCountsLostOnes()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, Agents.Profile(0));

            // Batches 2 and 3 were dropped by the agent's full outbox; 4 is stored and acknowledged.
            await call.RequestStream.WriteAsync(Agents.Batch(4, Agents.Profile(3)));
            Assert.Equal(4ul, (await Agents.NextAckAsync(call)).AckedThrough);
            await Agents.CloseAsync(call);
        }

        Assert.Equal(2, aggregator.Get<StoreReader>().CountProfiles());
        Assert.Contains("shadow_aggregator_batches_lost_total 2", aggregator.Get<PrometheusExporter>().Collect(), StringComparison.Ordinal);
        var (again, welcome) = await aggregator.ConnectAsync(Agents.Hello());
        using (again)
        {
            Assert.Equal(4ul, welcome.StoredThrough);
            await Agents.CloseAsync(again);
        }
    }

    [Fact]
    public async Task Connect_FirstMessageNotHello_FailedPrecondition()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        using var call = aggregator.Client.Connect();
        await call.RequestStream.WriteAsync(Agents.Batch(1, Agents.Profile(0)));
        var failure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.FailedPrecondition, failure.StatusCode);
        Assert.Equal("first message must be hello", failure.Status.Detail);
        Assert.Empty(aggregator.Get<StoreReader>().ListHosts());
    }

    [Fact]
    public async Task Connect_HelloWithoutHostId_InvalidArgument()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        using var call = aggregator.Client.Connect();
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = Agents.Hello(hostId: "") });
        var failure = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
    }

    [Fact]
    public async Task Connect_InvalidProfiles_RejectedButBatchAcked()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            var emptyName = Agents.Profile(0, stream: "");
            var emptyWindow = Agents.Profile(1);
            emptyWindow.WindowEndUnixMs = emptyWindow.WindowStartUnixMs;
            var ack = await Agents.SendBatchAsync(call, 1, emptyName, emptyWindow, Agents.Profile(2));
            Assert.Equal(1ul, ack.AckedThrough);
            await Agents.CloseAsync(call);
        }

        Assert.Equal(1, aggregator.Get<StoreReader>().CountProfiles());
        var metrics = await aggregator.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("shadow_aggregator_profiles_rejected_total{reason=\"empty_stream\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("shadow_aggregator_profiles_rejected_total{reason=\"empty_window\"} 1\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrySend_ConnectedAgent_CommandDelivered()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            var command = new ResizeCommand { CommandId = "cmd-1", Target = "cgroup:/shadow/web", CpuCores = 2.5, Reason = "test" };
            Assert.True(aggregator.Get<AgentConnections>().TrySend("host-a", new AggregatorMessage { Resize = command }));
            Assert.False(aggregator.Get<AgentConnections>().TrySend("host-unknown", new AggregatorMessage { Resize = command }));

            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(command, call.ResponseStream.Current.Resize);
            await Agents.CloseAsync(call);
        }
    }

    [Fact]
    public async Task Connect_TwoAgents_Independent()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var (a, _) = await aggregator.ConnectAsync(Agents.Hello("host-a", 1));
        var (b, _) = await aggregator.ConnectAsync(Agents.Hello("host-b", 1));
        using (a)
        using (b)
        {
            Assert.Equal(1ul, (await Agents.SendBatchAsync(a, 1, Agents.Profile(0))).AckedThrough);
            Assert.Equal(1ul, (await Agents.SendBatchAsync(b, 1, Agents.Profile(0))).AckedThrough);
            Assert.Equal(2ul, (await Agents.SendBatchAsync(a, 2, Agents.Profile(1))).AckedThrough);
            Assert.Equal(2, aggregator.Get<AgentConnections>().Count);
            await Agents.CloseAsync(a);
            await Agents.CloseAsync(b);
        }

        var streams = aggregator.Get<StoreReader>().ListStreams();
        Assert.Equal([200L, 100L], streams.Select(s => s.RecordsTotal));
    }

    [Fact]
    public async Task Subscribe_StoredProfiles_PublishedAfterCommit()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        using var subscription = aggregator.Get<IProfileFeed>().Subscribe(capacity: 1);
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, Agents.Profile(0, records: 10), Agents.Profile(1, records: 11));
            await Agents.CloseAsync(call);
        }

        // Capacity 1 with DropOldest: the newest stays, the older one is counted as dropped.
        Assert.True(subscription.Reader.TryRead(out var item));
        Assert.Equal(("host-a", "orders", 11ul), (item.HostId, item.Stream, item.Profile.Volume.Records));
        Assert.Equal(1, subscription.Dropped);
    }

    [Fact]
    public async Task Connect_Heartbeat_StoresAgentCounters()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Agents.T0));
        await using var aggregator = await TestAggregator.StartAsync(time: clock);
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello(epoch: 5));
        using (call)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            await call.RequestStream.WriteAsync(new AgentMessage
            {
                Heartbeat = new Heartbeat { SentUnixMs = Agents.T0, RecordsTotal = 1234, DroppedRecordsTotal = 5, ProfilesTotal = 7, UnackedBatches = 2 },
            });
            await Agents.CloseAsync(call);
        }

        using var connection = SqliteDb.Open(aggregator.DatabasePath);
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT records_total, dropped_records_total, profiles_total, unacked_batches, last_seen_ms FROM agent_sessions WHERE host_id = 'host-a' AND session_epoch = 5";
        using var reader = query.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((1234L, 5L, 7L, 2L, Agents.T0 + 30_000), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
    }

    [Fact]
    public async Task Connect_SameHostReconnects_OldStreamEndedHostStaysConnected()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var (old, _) = await aggregator.ConnectAsync(Agents.Hello());
        var (current, welcome) = await aggregator.ConnectAsync(Agents.Hello());
        using (old)
        using (current)
        {
            Assert.False(await old.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(1ul, (await Agents.SendBatchAsync(current, 1, Agents.Profile(0))).AckedThrough);
            Assert.True(Assert.Single(aggregator.Get<StoreReader>().ListHosts()).Connected);
            Assert.Equal(1, aggregator.Get<AgentConnections>().Count);
            await Agents.CloseAsync(current);
        }

        Assert.False(Assert.Single(aggregator.Get<StoreReader>().ListHosts()).Connected);
    }
}
