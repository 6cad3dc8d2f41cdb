using System.Net;
using System.Text.Json;
using ShadowAgent.Protocol.V1;
using ShadowAgent.Sketches.Cardinality;

namespace ShadowAgent.Aggregator.Tests;

public sealed class ProfileContentTests
{
    private const string ProfilesPath = "/api/v1/streams/host-a/orders/profiles";

    private static ShadowProfile RichProfile()
    {
        var users = Enumerable.Range(0, 400).Select(i => "user-" + (i % 37 == 0 ? 0 : i)).ToList();
        var latencies = Enumerable.Range(1, 400).Select(i => (double)i).ToList();
        var profile = FleetData.BuildProfile(0, users, latencies);
        profile.Numeric[0].Scaling = Scaling.ByRate;
        profile.Keys[0].DistinctScaling = Scaling.ByRate;
        profile.Volume.LateRecords = 3;
        profile.Volume.MissingEventTime = 4;
        profile.HopVolume = new VolumeCounters { Records = 100, Parsed = 100, LateRecords = 1 };
        profile.Sampling = new SamplingInfo { Mode = SamplingMode.Hash, Rate = 0.5, KeyField = "user", SampledRecords = 400 };
        profile.Schema = new SchemaProfile
        {
            Fingerprint = 0xFEDCBA9876543210, Records = 400, FieldsOverLimit = 2, FieldsOmitted = 1,
            Fields = { new SchemaFieldShare { Path = "user", Types_ = 1, Records = 400 }, new SchemaFieldShare { Path = "latency_ms", Types_ = 2, Records = 399 } },
            Drift = { new SchemaDrift { Kind = SchemaDriftKind.TypeChanged, Path = "latency_ms", OldTypes = 2, NewTypes = 3, OldShare = 1, NewShare = 0.99 } },
        };
        profile.Spectral.Add(new SpectralSummary
        {
            Series = "volume", Length = 256, IntervalSeconds = 1, Mean = 40, Variance = 9, Entropy = 0.4, Flatness = 0.1,
            Peaks = { new SpectralPeak { PeriodSeconds = 60, Share = 0.7 } },
            BandShares = { 0.1, 0.7, 0.1, 0.05, 0.05 }, HaarShares = { 0.5, 0.5 }, Daubechies4Shares = { 0.6, 0.4 },
        });
        return profile;
    }

    private static async Task<(TestAggregator Aggregator, ShadowProfile Profile)> StartWithRichProfileAsync()
    {
        var aggregator = await TestAggregator.StartAsync();
        var profile = RichProfile();
        var hello = Agents.Hello();
        hello.Streams[0].HopMs = 5_000;
        hello.Streams[0].EventTimeField = "ts";
        hello.Streams[0].AllowedLatenessMs = 2_000;
        hello.Streams[0].SamplingMode = SamplingMode.Hash;
        hello.Streams[0].SamplingRate = 0.5;
        hello.Streams[0].SamplingKeyField = "user";
        var (call, _) = await aggregator.ConnectAsync(hello);
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, profile);
            await Agents.CloseAsync(call);
        }

        return (aggregator, profile);
    }

    [Fact]
    public async Task Profiles_NewContent_ServedWithoutSketchBytes()
    {
        var (aggregator, sent) = await StartWithRichProfileAsync();
        await using var started = aggregator;

        var profile = Assert.Single((await aggregator.GetJsonAsync(ProfilesPath)).GetProperty("profiles").EnumerateArray());

        Assert.Equal(3UL, profile.GetProperty("volume").GetProperty("lateRecords").GetUInt64());
        Assert.Equal(4UL, profile.GetProperty("volume").GetProperty("missingEventTime").GetUInt64());
        Assert.Equal(100UL, profile.GetProperty("hopVolume").GetProperty("records").GetUInt64());
        var sampling = profile.GetProperty("sampling");
        Assert.Equal("hash", sampling.GetProperty("mode").GetString());
        Assert.Equal(0.5, sampling.GetProperty("rate").GetDouble());
        Assert.Equal("user", sampling.GetProperty("keyField").GetString());
        Assert.Equal(400UL, sampling.GetProperty("sampledRecords").GetUInt64());

        var numeric = Assert.Single(profile.GetProperty("numeric").EnumerateArray());
        Assert.Equal(sent.Numeric[0].P99, numeric.GetProperty("p99").GetDouble());
        Assert.Equal(sent.Numeric[0].P999, numeric.GetProperty("p999").GetDouble());
        Assert.Equal("by_rate", numeric.GetProperty("scaling").GetString());
        Assert.False(numeric.TryGetProperty("ddsketch", out _));

        var key = Assert.Single(profile.GetProperty("keys").EnumerateArray());
        Assert.Equal("user", key.GetProperty("field").GetString());
        Assert.Equal(sent.Keys[0].Distinct, key.GetProperty("distinct").GetDouble());
        Assert.Equal(sent.Keys[0].DistinctUpper, key.GetProperty("distinctUpper").GetDouble());
        Assert.Equal("by_rate", key.GetProperty("distinctScaling").GetString());
        Assert.Equal("none", key.GetProperty("countScaling").GetString());
        var top = key.GetProperty("top")[0];
        Assert.Equal("user-0", top.GetProperty("value").GetString());
        Assert.Equal(FleetData.Item("user-0"), top.GetProperty("item").GetInt64());
        Assert.Equal(sent.Keys[0].Skew.Gini, key.GetProperty("skew").GetProperty("gini").GetDouble());
        Assert.False(key.TryGetProperty("hll", out _));
        Assert.False(key.TryGetProperty("frequentItems", out _));

        var schema = profile.GetProperty("schema");
        Assert.Equal("fedcba9876543210", schema.GetProperty("fingerprint").GetString());
        Assert.Equal(2, schema.GetProperty("fields").GetArrayLength());
        Assert.Equal(2u, schema.GetProperty("fields")[1].GetProperty("types").GetUInt32());
        Assert.Equal(1u, schema.GetProperty("fieldsOmitted").GetUInt32());
        var drift = Assert.Single(schema.GetProperty("drift").EnumerateArray());
        Assert.Equal("type_changed", drift.GetProperty("kind").GetString());
        Assert.Equal(3u, drift.GetProperty("newTypes").GetUInt32());

        var spectral = Assert.Single(profile.GetProperty("spectral").EnumerateArray());
        Assert.Equal("volume", spectral.GetProperty("series").GetString());
        Assert.Equal(60, spectral.GetProperty("peaks")[0].GetProperty("periodSeconds").GetDouble());
        Assert.Equal(5, spectral.GetProperty("bandShares").GetArrayLength());
        Assert.Equal(0.4, spectral.GetProperty("daubechies4Shares")[1].GetDouble());
    }

    [Fact]
    public async Task Profiles_SketchesTrue_AddsBase64SketchesThatDecode()
    {
        var (aggregator, sent) = await StartWithRichProfileAsync();
        await using var started = aggregator;

        var profile = Assert.Single((await aggregator.GetJsonAsync(ProfilesPath + "?sketches=true")).GetProperty("profiles").EnumerateArray());

        var key = Assert.Single(profile.GetProperty("keys").EnumerateArray());
        var hll = key.GetProperty("hll").GetBytesFromBase64();
        Assert.Equal(sent.Keys[0].Hll.ToByteArray(), hll);
        Assert.Equal(sent.Keys[0].Distinct, HllSketch.Read(hll).GetEstimate());
        Assert.Equal(sent.Keys[0].FrequentItems.ToByteArray(), key.GetProperty("frequentItems").GetBytesFromBase64());
        Assert.Equal(sent.Numeric[0].Ddsketch.ToByteArray(), Assert.Single(profile.GetProperty("numeric").EnumerateArray()).GetProperty("ddsketch").GetBytesFromBase64());
    }

    [Fact]
    public async Task Profiles_BadSketchesParameter_Returns400Problem()
    {
        var (aggregator, _) = await StartWithRichProfileAsync();
        await using var _a = aggregator;

        var problem = await aggregator.GetJsonAsync(ProfilesPath + "?sketches=maybe", HttpStatusCode.BadRequest);

        Assert.Equal("sketches 'maybe' must be true or false", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Streams_Descriptor_HopEventTimeAndSampling()
    {
        var (aggregator, _) = await StartWithRichProfileAsync();
        await using var _a = aggregator;

        var stream = Assert.Single((await aggregator.GetJsonAsync("/api/v1/streams")).GetProperty("streams").EnumerateArray());

        Assert.Equal(5_000, stream.GetProperty("hopMs").GetInt32());
        Assert.Equal("ts", stream.GetProperty("eventTimeField").GetString());
        Assert.Equal(2_000, stream.GetProperty("allowedLatenessMs").GetInt32());
        var sampling = stream.GetProperty("sampling");
        Assert.Equal("hash", sampling.GetProperty("mode").GetString());
        Assert.Equal(0.5, sampling.GetProperty("rate").GetDouble());
        Assert.Equal("user", sampling.GetProperty("keyField").GetString());
        // The hop's counters add up, not the window's.
        Assert.Equal(100, stream.GetProperty("totals").GetProperty("records").GetInt64());
    }
}
