using ShadowAgent.Testing;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Agent.Uplink;
using ShadowAgent.EndToEnd.Tests.Harness;

namespace ShadowAgent.EndToEnd.Tests;

/// <summary>
/// Records written to the agent's socket tap become profiles stored by the aggregator, with exact counts:
/// both programs' real hosts in this process, talking over loopback TCP and gRPC.
/// </summary>
public sealed class InProcessPipelineTests
{
    [Fact]
    public async Task RecordsSentToTap_ArriveAsStoredProfiles_WithExactCounts()
    {
        using var dir = new TempDirectory();
        await using var aggregator = await RunningAggregator.StartAsync(dir.Path);
        var agent = await RunningAgent.StartAsync(RunningAgent.Options("e2e-host", aggregator.GrpcUri, "orders", TimeSpan.FromSeconds(1)));

        // One well-behaved producer, and one that sends bad input and then crashes.
        var text = new StringBuilder();
        double min = double.MaxValue, max = double.MinValue, sum = 0;
        for (var i = 0; i < 3000; i++)
        {
            var latency = Math.Round(1 + (i * 0.37 % 250), 2);
            min = Math.Min(min, latency);
            max = Math.Max(max, latency);
            sum += latency;
            text.Append(Producer.Record(i, latency));
        }

        using (var good = await Producer.ConnectAsync(agent.Tap))
        {
            await good.SendAsync(text.ToString());
            good.Finish();
            await good.WaitForTapCloseAsync(TimeSpan.FromSeconds(20));
        }

        using (var bad = await Producer.ConnectAsync(agent.Tap))
        {
            await bad.SendAsync("{\"user\":{\"id\":\"u1\"},\"latency_ms\":5\n");             // truncated
            await bad.SendAsync("{\"route\":\"/a\"} {\"route\":\"/b\"}\n");                  // two values
            await bad.SendAsync("not json at all\n");                                         // junk
            await bad.SendAsync([.. "{\"user\":{\"id\":\""u8, 0xC3, 0x28, .. "\"}}\n"u8]);  // invalid UTF-8
            await bad.SendAsync("{\"pad\":\"" + new string('x', 2000) + "\"}\n");           // over MaxLineBytes
            await bad.SendAsync(Producer.Record(9999, 7.5));                                  // one good record
            bad.Reset();
        }

        const long expectedRecords = 3000 + 6;
        await agent.WaitForConnectionsAsync(2);
        await agent.DisposeAsync();
        var stream = await aggregator.WaitForRecordsAsync("e2e-host", "orders", expectedRecords, TimeSpan.FromSeconds(30));

        Assert.Equal(expectedRecords, stream.Totals.Records);
        Assert.Equal(3001, stream.Totals.Parsed);
        Assert.Equal(5, stream.Totals.Errors);
        Assert.Equal(0, stream.Totals.DroppedRecords);

        var profiles = await aggregator.ProfilesAsync("e2e-host", "orders");
        Assert.Equal(3ul, profiles.Aggregate(0ul, (a, p) => a + p.Volume.Malformed));
        Assert.Equal(1ul, profiles.Aggregate(0ul, (a, p) => a + p.Volume.InvalidUtf8));
        Assert.Equal(1ul, profiles.Aggregate(0ul, (a, p) => a + p.Volume.Oversize));
        Assert.Equal(2ul, profiles.Aggregate(0ul, (a, p) => a + p.Volume.ConnectionsAccepted));
        var summaries = profiles.SelectMany(p => p.Numeric).Where(n => n.Field == "latency_ms" && n.Count > 0).ToList();
        Assert.Equal(3001ul, summaries.Aggregate(0ul, (a, n) => a + n.Count));
        Assert.Equal(Math.Min(min, 7.5), summaries.Min(n => n.Min));
        Assert.Equal(max, summaries.Max(n => n.Max));
        Assert.Equal(sum + 7.5, summaries.Sum(n => n.Sum), 6);

        // The agent stopped gracefully: its last window was closed early and stored as partial.
        Assert.True(profiles[0].Partial, "the newest profile should be the partial window flushed at shutdown");
    }

    [Fact]
    public async Task AggregatorStartsLate_AgentReconnects_AndDeliversEverything()
    {
        using var dir = new TempDirectory();
        var grpcPort = FreePort.Next();
        var agent = await RunningAgent.StartAsync(
            RunningAgent.Options("late-host", new Uri($"http://127.0.0.1:{grpcPort}"), "orders", TimeSpan.FromSeconds(1)));
        using (var producer = await Producer.ConnectAsync(agent.Tap))
        {
            for (var i = 0; i < 500; i++)
            {
                await producer.SendAsync(Producer.Record(i, i));
            }

            producer.Finish();
        }

        // Windows close and queue up in the outbox while nobody listens; then the aggregator appears on the
        // agent's endpoint.
        var spool = agent.Host.Services.GetRequiredService<IProfileSpool>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (spool.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(spool.Count >= 2, "the agent should hold unsent batches while the aggregator is away");
        await using var aggregator = await RunningAggregator.StartAsync(dir.Path, grpcPort);
        var stream = await aggregator.WaitForRecordsAsync("late-host", "orders", 500, TimeSpan.FromSeconds(30));
        await agent.DisposeAsync();

        Assert.Equal(500, stream.Totals.Records);
        Assert.Equal(500, stream.Totals.Parsed);
    }

    [Fact]
    public async Task AgentRestartsWhileAggregatorIsAway_DiskSpoolDeliversEverythingOnce()
    {
        using var dir = new TempDirectory();
        var grpcPort = FreePort.Next();
        var options = RunningAgent.Options("spool-host", new Uri($"http://127.0.0.1:{grpcPort}"), "orders", TimeSpan.FromSeconds(1));
        options.Spool.Directory = Path.Combine(dir.Path, "spool");
        options.ShutdownTimeout = TimeSpan.FromSeconds(1);

        // First run: nobody listens; every window, the partial one included, waits in the spool on disk.
        var first = await RunningAgent.StartAsync(options);
        using (var producer = await Producer.ConnectAsync(first.Tap))
        {
            for (var i = 0; i < 400; i++)
            {
                await producer.SendAsync(Producer.Record(i, i));
            }

            producer.Finish();
            await producer.WaitForTapCloseAsync(TimeSpan.FromSeconds(20));
        }

        await first.DisposeAsync();
        Assert.NotEmpty(Directory.GetFiles(options.Spool.Directory, "*.batch"));

        // Second run: the aggregator is back; the recovered batches go first, then the new records.
        await using var aggregator = await RunningAggregator.StartAsync(dir.Path, grpcPort);
        options.ShutdownTimeout = TimeSpan.FromSeconds(15); // the aggregator answers now: the stop waits for its ack
        var second = await RunningAgent.StartAsync(options);
        using (var producer = await Producer.ConnectAsync(second.Tap))
        {
            for (var i = 0; i < 100; i++)
            {
                await producer.SendAsync(Producer.Record(i, i));
            }

            producer.Finish();
            await producer.WaitForTapCloseAsync(TimeSpan.FromSeconds(20));
        }

        // Wait while the second agent runs: its 1-second windows close and are acknowledged. (Disposing it first left
        // delivery to the shutdown flush, whose 1-second wait for the ack a loaded CI machine could miss; the batch then
        // stayed in the spool, as it should, but with no agent left to send it.)
        var stream = await aggregator.WaitForRecordsAsync("spool-host", "orders", 500, TimeSpan.FromSeconds(30));
        await second.DisposeAsync();
        Assert.Equal(500, stream.Totals.Records);
        Assert.Equal(500, stream.Totals.Parsed);
        Assert.Empty(Directory.GetFiles(options.Spool.Directory, "*.batch"));
    }
}
