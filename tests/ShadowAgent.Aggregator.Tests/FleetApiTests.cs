using System.Net;
using System.Text.Json;
using Google.Protobuf;
using ShadowAgent.Protocol.V1;
using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Quantiles;

namespace ShadowAgent.Aggregator.Tests;

public sealed class FleetApiTests
{
    private const string FleetPath = "/api/v1/fleet/streams/orders";

    private static async Task<JsonElement> GetJsonAsync(TestAggregator aggregator, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await aggregator.Http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {response.StatusCode} {body}");
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task<(TestAggregator Aggregator, FleetData Data)> StartWithFleetAsync(FleetData? data = null, params string[] extra)
    {
        data ??= FleetData.Build();
        var aggregator = await TestAggregator.StartAsync(extra: extra);
        await data.IngestAsync(aggregator);
        return (aggregator, data);
    }

    private static JsonElement Key(JsonElement summary) => Assert.Single(summary.GetProperty("keys").EnumerateArray());

    [Fact]
    public async Task FleetStream_ThreeHosts_ExactVolumeAndSummaries()
    {
        var (aggregator, data) = await StartWithFleetAsync();
        await using var _ = aggregator;

        // Default range: the hour before the clock (T0 + 1 h), which holds every window.
        var summary = await GetJsonAsync(aggregator, FleetPath);

        Assert.Equal(["host-a", "host-b", "host-c"], summary.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(12, summary.GetProperty("profilesMerged").GetInt32());
        Assert.Equal(12, summary.GetProperty("contentProfiles").GetInt32());
        Assert.False(summary.GetProperty("truncated").GetBoolean());
        Assert.Equal(Agents.T0, summary.GetProperty("fromUnixMs").GetInt64());
        Assert.Equal(Agents.T0, summary.GetProperty("windowStartUnixMs").GetInt64());
        Assert.Equal(Agents.T0 + 40_000, summary.GetProperty("windowEndUnixMs").GetInt64());
        Assert.Equal((ulong)data.Users.Count, summary.GetProperty("volume").GetProperty("records").GetUInt64());
        Assert.Equal((ulong)data.Users.Count, summary.GetProperty("sampledRecords").GetUInt64());
        Assert.Equal(0, summary.GetProperty("undecodableSketches").GetInt32());

        var sampling = summary.GetProperty("sampling");
        Assert.True(sampling.GetProperty("consistent").GetBoolean());
        Assert.Equal("all", sampling.GetProperty("mode").GetString());
        Assert.Equal(3, sampling.GetProperty("hosts").GetArrayLength());

        var latency = Assert.Single(summary.GetProperty("numeric").EnumerateArray());
        Assert.Equal("latency_ms", latency.GetProperty("field").GetString());
        Assert.Equal((ulong)data.Latencies.Count, latency.GetProperty("count").GetUInt64());
        Assert.Equal(data.Latencies.Min(), latency.GetProperty("min").GetDouble());
        Assert.Equal(data.Latencies.Max(), latency.GetProperty("max").GetDouble());
        Assert.Equal(data.Latencies.Sum(), latency.GetProperty("sum").GetDouble(), 1e-9 * data.Latencies.Sum());
        Assert.Equal(data.Latencies.Average(), latency.GetProperty("mean").GetDouble(), 1e-9 * data.Latencies.Average());
        Assert.Equal("none", latency.GetProperty("countScaling").GetString());
    }

    [Fact]
    public async Task FleetStream_ThreeHosts_QuantilesWithinRelativeAccuracyAndEqualToWholeSketch()
    {
        var (aggregator, data) = await StartWithFleetAsync();
        await using var _ = aggregator;
        var whole = new DDSketch(FleetData.Accuracy);
        foreach (var latency in data.Latencies)
        {
            whole.Add(latency);
        }

        var quantiles = Assert.Single((await GetJsonAsync(aggregator, FleetPath + "?sketches=true")).GetProperty("numeric").EnumerateArray())
            .GetProperty("quantiles");

        Assert.Equal(FleetData.Accuracy, quantiles.GetProperty("relativeAccuracy").GetDouble(), 1e-12);
        Assert.Equal(data.Latencies.Count, quantiles.GetProperty("count").GetDouble());
        Assert.Equal(12, quantiles.GetProperty("sketches").GetInt32());
        foreach (var (name, q) in new[] { ("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p999", 0.999) })
        {
            var merged = quantiles.GetProperty(name).GetDouble();
            var exact = data.ExactQuantile(q);
            Assert.True(Math.Abs(merged - exact) <= FleetData.Accuracy * exact * (1 + 1e-12), $"{name}: merged {merged}, exact {exact}");
            Assert.Equal(whole.Quantile(q), merged);
        }

        // Merging adds bin counts, so the merged sketch answers every quantile as the sketch of everything does.
        var merged2 = DDSketch.Read(quantiles.GetProperty("ddsketch").GetBytesFromBase64());
        for (var q = 0.01; q < 1; q += 0.01)
        {
            Assert.Equal(whole.Quantile(q), merged2.Quantile(q), 1e-9 * whole.Quantile(q));
        }
    }

    [Fact]
    public async Task FleetStream_ThreeHosts_DistinctWithinThreeSigmaAndSameRegistersAsWholeSketch()
    {
        var (aggregator, data) = await StartWithFleetAsync();
        await using var _ = aggregator;
        var whole = new HllSketch(FleetData.HllLgK);
        foreach (var user in data.Users)
        {
            whole.Update(user);
        }

        var distinct = Key(await GetJsonAsync(aggregator, FleetPath + "?sketches=true")).GetProperty("distinct");

        var exact = data.Users.Distinct().Count();
        var estimate = distinct.GetProperty("estimate").GetDouble();
        var sigma = 1.04 / Math.Sqrt(1 << FleetData.HllLgK);
        Assert.True(Math.Abs(estimate - exact) <= 3 * sigma * exact, $"estimate {estimate}, exact {exact}");
        Assert.True(distinct.GetProperty("lower").GetDouble() <= estimate && estimate <= distinct.GetProperty("upper").GetDouble());
        Assert.Equal(2, distinct.GetProperty("stdDevs").GetInt32());
        Assert.Equal("none", distinct.GetProperty("scaling").GetString());
        Assert.Equal(FleetData.HllLgK, distinct.GetProperty("lgK").GetInt32());
        Assert.Equal(12, distinct.GetProperty("sketches").GetInt32());

        // The union of the parts holds exactly the registers of the sketch built on everything.
        var mergedImage = distinct.GetProperty("hll").GetBytesFromBase64();
        var wholeImage = FleetData.HllImage(whole);
        Assert.Equal(wholeImage.AsSpan(40).ToArray(), mergedImage.AsSpan(40).ToArray());
        Assert.Equal(whole.GetCompositeEstimate(), estimate, 1e-9 * estimate);
        Assert.Equal(whole.GetCompositeEstimate(), HllSketch.Read(mergedImage).GetCompositeEstimate());
    }

    [Fact]
    public async Task FleetStream_ThreeHosts_NoHeavyHitterAboveMaximumErrorMissed()
    {
        var (aggregator, data) = await StartWithFleetAsync();
        await using var _ = aggregator;
        var exact = data.Users.GroupBy(u => u).ToDictionary(g => FleetData.Item(g.Key), g => (Text: g.Key, Count: (long)g.Count()));

        var key = Key(await GetJsonAsync(aggregator, FleetPath + "?k=50"));
        var hitters = key.GetProperty("heavyHitters");
        var maximumError = hitters.GetProperty("maximumError").GetInt64();
        Assert.True(maximumError > 0, "the per-profile sketches should have purged, or this test proves little");
        Assert.Equal(data.Users.Count, hitters.GetProperty("streamLength").GetInt64());
        Assert.Equal("none", hitters.GetProperty("scaling").GetString());

        var top = hitters.GetProperty("top").EnumerateArray().ToDictionary(t => t.GetProperty("item").GetInt64());
        var heavy = exact.Where(e => e.Value.Count > maximumError).ToList();
        Assert.InRange(heavy.Count, 1, 50);
        foreach (var (item, (text, count)) in heavy)
        {
            Assert.True(top.ContainsKey(item), $"{text} ({count} > max error {maximumError}) missing from the top");
        }

        foreach (var (item, row) in top)
        {
            var truth = exact.TryGetValue(item, out var e) ? e.Count : 0;
            Assert.InRange(truth, row.GetProperty("lowerBound").GetDouble(), row.GetProperty("upperBound").GetDouble());
        }

        // The most frequent user is in every profile's reported top, so its text comes along.
        var first = hitters.GetProperty("top")[0];
        Assert.Equal("user-1", first.GetProperty("value").GetString());

        var skew = key.GetProperty("skew");
        var exactTop1 = (double)exact.Values.Max(v => v.Count) / data.Users.Count;
        Assert.InRange(skew.GetProperty("top1Share").GetDouble(), exactTop1 - ((double)maximumError / data.Users.Count), exactTop1 + ((double)maximumError / data.Users.Count));
        Assert.Equal(50u, skew.GetProperty("k").GetUInt32());
    }

    [Fact]
    public async Task FleetStream_HostsAndRange_MergeOnlyThose()
    {
        var (aggregator, data) = await StartWithFleetAsync();
        await using var _ = aggregator;

        var summary = await GetJsonAsync(aggregator, $"{FleetPath}?hosts=host-b,host-c&from={Agents.T0 + 10_000}&to={Agents.T0 + 30_000}");

        Assert.Equal(["host-b", "host-c"], summary.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(4, summary.GetProperty("profilesMerged").GetInt32());
        var expected = data.Profiles
            .Where(p => p.Host != "host-a" && p.Profile.WindowStartUnixMs is >= Agents.T0 + 10_000 and < Agents.T0 + 30_000)
            .Sum(p => (long)p.Profile.Volume.Records);
        Assert.Equal(expected, summary.GetProperty("volume").GetProperty("records").GetInt64());
    }

    [Fact]
    public async Task FleetStream_MoreThanCap_TruncatedToNewest()
    {
        var (aggregator, _) = await StartWithFleetAsync(null, "--Aggregator:FleetMaxProfiles=5");
        await using var _a = aggregator;

        var summary = await GetJsonAsync(aggregator, FleetPath);

        Assert.True(summary.GetProperty("truncated").GetBoolean());
        Assert.Equal(5, summary.GetProperty("maxProfiles").GetInt32());
        Assert.Equal(5, summary.GetProperty("profilesMerged").GetInt32());
        Assert.Equal(Agents.T0 + 40_000, summary.GetProperty("windowEndUnixMs").GetInt64());
        Assert.Equal(Agents.T0 + 20_000, summary.GetProperty("windowStartUnixMs").GetInt64());
    }

    [Fact]
    public async Task FleetStream_UndecodableSketches_CountedNotFatal()
    {
        var data = FleetData.Build(hosts: 2, windows: 2, records: 500);
        var broken = data.Profiles[0].Profile;
        broken.Keys[0].Hll = ByteString.CopyFrom(1, 2, 3);
        broken.Keys[0].FrequentItems = ByteString.CopyFrom(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
        broken.Numeric[0].Ddsketch = ByteString.CopyFrom(0x0A, 0xFF, 0xFF);
        var (aggregator, _) = await StartWithFleetAsync(data);
        await using var _a = aggregator;

        var summary = await GetJsonAsync(aggregator, FleetPath);

        Assert.Equal(3, summary.GetProperty("undecodableSketches").GetInt32());
        Assert.Equal(4, summary.GetProperty("profilesMerged").GetInt32());
        Assert.Equal(3, Key(summary).GetProperty("distinct").GetProperty("sketches").GetInt32());
        Assert.Equal(3, Key(summary).GetProperty("heavyHitters").GetProperty("sketches").GetInt32());
        Assert.Equal(3, Assert.Single(summary.GetProperty("numeric").EnumerateArray()).GetProperty("quantiles").GetProperty("sketches").GetInt32());

        using var response = await aggregator.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var metrics = await response.Content.ReadAsStringAsync();
        foreach (var kind in new[] { "hll", "frequent_items", "ddsketch" })
        {
            Assert.Contains($"shadow_aggregator_sketches_undecodable_total{{sketch=\"{kind}\"}} 1\n", metrics, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FleetStream_DDSketchOfAnotherMapping_CountedIncompatible()
    {
        var data = FleetData.Build(hosts: 2, windows: 1, records: 500);
        var coarse = new DDSketch(0.05);
        coarse.Add(12.5);
        data.Profiles[1].Profile.Numeric[0].Ddsketch = ByteString.CopyFrom(coarse.ToProtobuf());
        var (aggregator, _) = await StartWithFleetAsync(data);
        await using var _a = aggregator;

        var summary = await GetJsonAsync(aggregator, FleetPath);

        Assert.Equal(1, summary.GetProperty("incompatibleSketches").GetInt32());
        Assert.Equal(0, summary.GetProperty("undecodableSketches").GetInt32());
        var quantiles = Assert.Single(summary.GetProperty("numeric").EnumerateArray()).GetProperty("quantiles");
        Assert.Equal(1, quantiles.GetProperty("sketches").GetInt32());
        Assert.Equal(500, quantiles.GetProperty("count").GetDouble());
    }

    [Fact]
    public async Task FleetStream_HoppingWindows_VolumeFromHopsAndContentWithoutOverlap()
    {
        // 30 s windows every 10 s: each record is in three windows' sketches but in one hop's counters.
        await using var aggregator = await TestAggregator.StartAsync();
        var hello = Agents.Hello();
        hello.Streams[0].WindowMs = 30_000;
        hello.Streams[0].HopMs = 10_000;
        var profiles = new List<ShadowProfile>();
        for (var i = 0; i < 6; i++)
        {
            var profile = Agents.Profile(i, records: 300);
            profile.WindowEndUnixMs = profile.WindowStartUnixMs + 30_000;
            profile.HopVolume = new VolumeCounters { Records = 100 + (ulong)i, Bytes = 1000, Parsed = 100, Malformed = (ulong)i, LateRecords = 2 };
            profiles.Add(profile);
        }

        var (call, _) = await aggregator.ConnectAsync(hello);
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, [.. profiles]);
            await Agents.CloseAsync(call);
        }

        var summary = await GetJsonAsync(aggregator, FleetPath);
        var volume = summary.GetProperty("volume");
        Assert.Equal(615UL, volume.GetProperty("records").GetUInt64());
        Assert.Equal(15UL, volume.GetProperty("errors").GetUInt64());
        Assert.Equal(12UL, volume.GetProperty("lateRecords").GetUInt64());
        Assert.Equal(6, summary.GetProperty("profilesMerged").GetInt32());
        Assert.Equal(2, summary.GetProperty("contentProfiles").GetInt32()); // windows 0 and 3
        Assert.Equal(2 * 299UL, Assert.Single(summary.GetProperty("numeric").EnumerateArray()).GetProperty("count").GetUInt64());

        var stream = Assert.Single((await GetJsonAsync(aggregator, "/api/v1/streams")).GetProperty("streams").EnumerateArray());
        Assert.Equal(615, stream.GetProperty("totals").GetProperty("records").GetInt64());
        Assert.Equal(15, stream.GetProperty("totals").GetProperty("errors").GetInt64());
        Assert.Equal(10_000, stream.GetProperty("hopMs").GetInt32());
        var host = Assert.Single((await GetJsonAsync(aggregator, "/api/v1/hosts")).GetProperty("hosts").EnumerateArray());
        Assert.Equal(615, host.GetProperty("recordsTotal").GetInt64());
    }

    [Fact]
    public async Task FleetStream_MixedSamplingRates_ReportedMixedAndUnscaled()
    {
        var data = FleetData.Build(hosts: 2, windows: 2, records: 1000, sampling: h => h == 0
            ? new SamplingInfo { Mode = SamplingMode.Random, Rate = 0.5, SampledRecords = 1000 }
            : null);
        foreach (var (host, profile) in data.Profiles.Where(p => p.Host == "host-a"))
        {
            profile.Keys[0].CountScaling = Scaling.ByRate;
            profile.Keys[0].DistinctScaling = Scaling.SampleOnly;
        }

        var (aggregator, _) = await StartWithFleetAsync(data);
        await using var _a = aggregator;

        var summary = await GetJsonAsync(aggregator, FleetPath);

        var sampling = summary.GetProperty("sampling");
        Assert.False(sampling.GetProperty("consistent").GetBoolean());
        Assert.Equal("mixed", sampling.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, sampling.GetProperty("rate").ValueKind);
        var hosts = sampling.GetProperty("hosts").EnumerateArray().ToList();
        Assert.Equal(["host-a:random:0.5", "host-b:all:1"], hosts.Select(h => $"{h.GetProperty("host").GetString()}:{h.GetProperty("mode").GetString()}:{h.GetProperty("rate").GetDouble()}"));
        var key = Key(summary);
        Assert.Equal("mixed", key.GetProperty("distinct").GetProperty("scaling").GetString());
        Assert.Equal("mixed", key.GetProperty("heavyHitters").GetProperty("scaling").GetString());
        Assert.Equal(4000, key.GetProperty("heavyHitters").GetProperty("streamLength").GetInt64());
        var top = key.GetProperty("heavyHitters").GetProperty("top")[0];
        Assert.True(top.GetProperty("upperBound").GetDouble() <= 4000, "mixed counts must not be scaled");
        Assert.Equal("mixed", Assert.Single(summary.GetProperty("numeric").EnumerateArray()).GetProperty("quantiles").GetProperty("scaling").GetString());
    }

    [Fact]
    public async Task FleetStream_OneRandomRate_HeavyHittersScaledByRate()
    {
        var sampled = FleetData.Build(hosts: 3, windows: 1, records: 1000, sampling: _ => new SamplingInfo { Mode = SamplingMode.Random, Rate = 0.25, SampledRecords = 1000 });
        foreach (var (_, profile) in sampled.Profiles)
        {
            profile.Keys[0].CountScaling = Scaling.ByRate;
            profile.Keys[0].DistinctScaling = Scaling.SampleOnly;
        }

        var (aggregator, _) = await StartWithFleetAsync(sampled);
        await using var _a = aggregator;

        var summary = await GetJsonAsync(aggregator, FleetPath);

        Assert.True(summary.GetProperty("sampling").GetProperty("consistent").GetBoolean());
        Assert.Equal(0.25, summary.GetProperty("sampling").GetProperty("rate").GetDouble());
        Assert.Equal(3000UL, summary.GetProperty("sampledRecords").GetUInt64());
        var key = Key(summary);
        var hitters = key.GetProperty("heavyHitters");
        Assert.Equal("by_rate", hitters.GetProperty("scaling").GetString());
        var exactTop = sampled.Users.GroupBy(u => u).Max(g => g.Count());
        var top = hitters.GetProperty("top")[0];
        Assert.InRange(exactTop * 4.0, top.GetProperty("lowerBound").GetDouble(), top.GetProperty("upperBound").GetDouble());
        var distinct = key.GetProperty("distinct");
        Assert.Equal("sample_only", distinct.GetProperty("scaling").GetString());
        var exactDistinct = sampled.Users.Distinct().Count();
        Assert.InRange(distinct.GetProperty("estimate").GetDouble(), exactDistinct * 0.9, exactDistinct * 1.1);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=1e9", "to")]
    [InlineData("from=2000&to=1000", "from")]
    [InlineData("k=0", "k")]
    [InlineData("k=many", "k")]
    [InlineData("k=100000", "k")]
    [InlineData("hosts=", "hosts")]
    [InlineData("hosts=host-a,,host-b", "hosts")]
    [InlineData("sketches=yes", "sketches")]
    public async Task FleetStream_BadQuery_Returns400Problem(string query, string parameter)
    {
        var (aggregator, _) = await StartWithFleetAsync(FleetData.Build(hosts: 1, windows: 1, records: 10));
        await using var _a = aggregator;

        var problem = await GetJsonAsync(aggregator, FleetPath + "?" + query, HttpStatusCode.BadRequest);

        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.StartsWith(parameter + " ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/fleet/streams/payments", "no host has a stream 'payments'")]
    [InlineData("/api/v1/fleet/streams/orders?hosts=host-a,host-x", "host 'host-x' has no stream 'orders'")]
    public async Task FleetStream_Unknown_Returns404(string path, string detail)
    {
        var (aggregator, _) = await StartWithFleetAsync(FleetData.Build(hosts: 1, windows: 1, records: 10));
        await using var _a = aggregator;

        var problem = await GetJsonAsync(aggregator, path, HttpStatusCode.NotFound);

        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task FleetStreams_SeveralHosts_NamesWithHostCounts()
    {
        var (aggregator, _) = await StartWithFleetAsync(FleetData.Build(hosts: 3, windows: 1, records: 10));
        await using var _a = aggregator;
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello("host-z"));
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, Agents.Profile(0, records: 7, stream: "payments"));
            await Agents.CloseAsync(call);
        }

        var streams = (await GetJsonAsync(aggregator, "/api/v1/fleet/streams")).GetProperty("streams").EnumerateArray().ToList();

        Assert.Equal(["orders", "payments"], streams.Select(s => s.GetProperty("name").GetString()));
        // host-z declared "orders" in its hello too (no profiles yet) and sent "payments" undeclared.
        Assert.Equal(4, streams[0].GetProperty("hosts").GetInt32());
        Assert.Equal(30, streams[0].GetProperty("recordsTotal").GetInt64());
        Assert.Equal(1, streams[1].GetProperty("hosts").GetInt32());
        Assert.Equal(7, streams[1].GetProperty("recordsTotal").GetInt64());
    }

    [Fact]
    public async Task FleetStream_MixedLgK_UnionAtSmallerLgK()
    {
        var data = FleetData.Build(hosts: 2, windows: 1, records: 3000);
        var small = new HllSketch(10);
        foreach (var user in data.Users.Take(3000))
        {
            small.Update(user);
        }

        data.Profiles[0].Profile.Keys[0].Hll = ByteString.CopyFrom(FleetData.HllImage(small));
        var (aggregator, _) = await StartWithFleetAsync(data);
        await using var _a = aggregator;
        var whole = new HllSketch(10);
        foreach (var user in data.Users)
        {
            whole.Update(user);
        }

        var distinct = Key(await GetJsonAsync(aggregator, FleetPath)).GetProperty("distinct");

        Assert.Equal(10, distinct.GetProperty("lgK").GetInt32());
        Assert.Equal(whole.GetCompositeEstimate(), distinct.GetProperty("estimate").GetDouble(), 1e-9 * whole.GetCompositeEstimate());
    }
}
