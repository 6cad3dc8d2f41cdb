using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Core.Hashing;
using ShadowAgent.EndToEnd.Tests.Harness;
using ShadowAgent.Protocol.V1;
using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Frequency;
using ShadowAgent.Sketches.Quantiles;

namespace ShadowAgent.EndToEnd.Tests;

/// <summary>
/// The sketches of two hosts travel through the real taps, uplinks and store and merge into the fleet's answer:
/// distinct users of the union, quantiles of all values, and the heavy hitter, against exact answers.
/// </summary>
public sealed class FleetSketchTests
{
    [Fact]
    public async Task TwoHosts_StoredSketchesMerge_ToTheFleetsExactAnswersWithinGuarantees()
    {
        using var dir = new TempDirectory();
        await using var aggregator = await RunningAggregator.StartAsync(dir.Path);
        var hosts = new[] { "fleet-a", "fleet-b" };
        var latencies = new List<double>();
        var rng = new Random(7);
        var sent = new long[2];
        for (var h = 0; h < hosts.Length; h++)
        {
            var agent = await RunningAgent.StartAsync(RunningAgent.Options(hosts[h], aggregator.GrpcUri, "orders", TimeSpan.FromSeconds(1)));
            var text = new StringBuilder();

            // Host a sees users 0-1499, host b users 1000-2499: 2,500 distinct across the fleet.
            for (var i = 0; i < 6000; i++)
            {
                var user = (h * 1000) + (i % 1500);
                var route = rng.NextDouble() < 0.5 ? "/api/checkout" : $"/api/r{rng.Next(40)}";
                var latency = Math.Round(Math.Exp(3 + rng.NextDouble() * 2 * (rng.NextDouble() < 0.5 ? 1 : -1)), 3);
                latencies.Add(latency);
                text.Append(CultureInfo.InvariantCulture, $"{{\"user\":{{\"id\":\"u{user}\"}},\"route\":\"{route}\",\"latency_ms\":{latency.ToString(CultureInfo.InvariantCulture)}}}\n");
                sent[h]++;
            }

            using (var producer = await Producer.ConnectAsync(agent.Tap))
            {
                await producer.SendAsync(text.ToString());
                producer.Finish();
            }

            // Delivered in closed one-second windows; only then is the agent stopped, so a slow start under load
            // (the uplink not yet connected) cannot turn into a shutdown that gives up on unsent windows.
            await aggregator.WaitForRecordsAsync(hosts[h], "orders", sent[h], TimeSpan.FromSeconds(90));

            // The agent's messages travel gzip-compressed.
            Assert.True(aggregator.App.Services.GetRequiredService<AgentConnections>().TryGet(hosts[h], out var link));
            Assert.Equal("gzip", link.RequestEncoding);
            await agent.DisposeAsync();
        }

        var users = new HllSketch(11, HllTargetType.Hll8);
        var routes = new FrequentItemsSketch(10);
        DDSketch? quantiles = null;
        string? topRouteText = null;
        foreach (var host in hosts)
        {
            var reader = aggregator.App.Services.GetRequiredService<StoreReader>();
            var stream = reader.FindStream(host, "orders")!;
            foreach (var row in reader.ListProfiles(stream.StreamId, 1000, null))
            {
                // The payload is the profile exactly as the agent sent it.
                var profile = ShadowProfile.Parser.ParseFrom(row.Payload);
                foreach (var key in profile.Keys)
                {
                    if (key.Field == "user.id" && key.Hll.Length > 0)
                    {
                        users.Merge(HllSketch.Read(key.Hll.Span));
                    }
                    else if (key.Field == "route" && key.FrequentItems.Length > 0)
                    {
                        routes.Merge(FrequentItemsSketch.Read(key.FrequentItems.Span));
                        topRouteText ??= key.Top.FirstOrDefault(t => t.Value.Length > 0)?.Value;
                    }
                }

                var latency = profile.Numeric.Single(n => n.Field == "latency_ms");
                if (latency.Ddsketch.Length > 0)
                {
                    var sketch = DDSketch.Read(latency.Ddsketch.Span);
                    if (quantiles is null)
                    {
                        quantiles = sketch;
                    }
                    else
                    {
                        quantiles.Merge(sketch);
                    }
                }
            }
        }

        // HLL at lgK 11: relative standard error 1.04/sqrt(2048) = 2.3%; 3 sigma.
        Assert.InRange(users.GetEstimate(), 2500 * (1 - 0.069), 2500 * (1 + 0.069));

        Assert.NotNull(quantiles);
        Assert.Equal(latencies.Count, quantiles.Count);
        latencies.Sort();
        foreach (var q in new[] { 0.5, 0.9, 0.99, 0.999 })
        {
            var rank = q * (latencies.Count - 1);
            var low = latencies[(int)Math.Floor(rank)];
            var high = latencies[(int)Math.Ceiling(rank)];
            Assert.InRange(quantiles.Quantile(q), low * 0.99, high * 1.01);
        }

        var top = routes.TopK(1, ErrorType.NoFalsePositives)[0];
        Assert.Equal((long)KeyHash.Of(Encoding.UTF8.GetBytes("/api/checkout")), top.Item);
        Assert.Equal("/api/checkout", topRouteText);

        // The operator API's fleet merge gives the same answers.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var fleet = JsonDocument.Parse(await aggregator.Api.GetStringAsync($"/api/v1/fleet/streams/orders?from={now - 3_600_000}&to={now + 60_000}"));
        var root = fleet.RootElement;
        Assert.Equal(2, root.GetProperty("hosts").GetArrayLength());
        Assert.Equal((ulong)latencies.Count, root.GetProperty("volume").GetProperty("parsed").GetUInt64());
        var fleetUsers = root.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("field").GetString() == "user.id");
        Assert.InRange(fleetUsers.GetProperty("distinct").GetProperty("estimate").GetDouble(), 2500 * (1 - 0.069), 2500 * (1 + 0.069));
        var fleetRoutes = root.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("field").GetString() == "route");
        var fleetTop = fleetRoutes.GetProperty("heavyHitters").GetProperty("top")[0];
        Assert.Equal("/api/checkout", fleetTop.GetProperty("value").GetString());
        var fleetLatency = root.GetProperty("numeric").EnumerateArray().Single(n => n.GetProperty("field").GetString() == "latency_ms");
        Assert.Equal(quantiles.P99, fleetLatency.GetProperty("quantiles").GetProperty("p99").GetDouble(), 9);
    }
}
