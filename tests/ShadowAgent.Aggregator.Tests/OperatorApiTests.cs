using System.Net;
using System.Text.Json;

namespace ShadowAgent.Aggregator.Tests;

public sealed class OperatorApiTests
{
    private static async Task<TestAggregator> StartWithDataAsync()
    {
        var aggregator = await TestAggregator.StartAsync();
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, Agents.Profile(0, records: 10), Agents.Profile(1, records: 20), Agents.Profile(2, records: 30));
            await Agents.CloseAsync(call);
        }

        return aggregator;
    }

    [Fact]
    public async Task Hosts_AfterIngest_ListsHostWithResourcesAndCounts()
    {
        await using var aggregator = await StartWithDataAsync();
        var host = Assert.Single((await aggregator.GetJsonAsync("/api/v1/hosts")).GetProperty("hosts").EnumerateArray());
        Assert.Equal("host-a", host.GetProperty("id").GetString());
        Assert.Equal("host-a.example", host.GetProperty("name").GetString());
        Assert.False(host.GetProperty("connected").GetBoolean());
        Assert.Equal(4, host.GetProperty("resources").GetProperty("logicalCpus").GetInt32());
        Assert.Equal("v2", host.GetProperty("resources").GetProperty("cgroupMode").GetString());
        Assert.Equal(["profiles.v1", "resize.cgroup2"], host.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1, host.GetProperty("streams").GetInt32());
        Assert.Equal(3, host.GetProperty("profilesTotal").GetInt64());
        Assert.Equal(60, host.GetProperty("recordsTotal").GetInt64());
    }

    [Fact]
    public async Task Streams_AfterIngest_ListsDescriptorAndTotals()
    {
        await using var aggregator = await StartWithDataAsync();
        var stream = Assert.Single((await aggregator.GetJsonAsync("/api/v1/streams")).GetProperty("streams").EnumerateArray());
        Assert.Equal("host-a", stream.GetProperty("host").GetString());
        Assert.Equal("orders", stream.GetProperty("name").GetString());
        Assert.Equal("127.0.0.1:7410", stream.GetProperty("address").GetString());
        Assert.Equal("latency_ms", Assert.Single(stream.GetProperty("numericFields").EnumerateArray()).GetString());
        Assert.Equal(10_000, stream.GetProperty("windowMs").GetInt32());
        Assert.Equal(Agents.T0 + 30_000, stream.GetProperty("lastProfileEndUnixMs").GetInt64());
        Assert.Equal(3, stream.GetProperty("totals").GetProperty("profiles").GetInt64());
        Assert.Equal(3, stream.GetProperty("totals").GetProperty("errors").GetInt64());
    }

    [Fact]
    public async Task Profiles_LimitAndSince_NewestFirstWithSummaries()
    {
        await using var aggregator = await StartWithDataAsync();
        var all = (await aggregator.GetJsonAsync("/api/v1/streams/host-a/orders/profiles")).GetProperty("profiles").EnumerateArray().ToList();
        Assert.Equal([30UL, 20UL, 10UL], all.Select(p => p.GetProperty("volume").GetProperty("records").GetUInt64()));
        var numeric = Assert.Single(all[0].GetProperty("numeric").EnumerateArray());
        Assert.Equal("latency_ms", numeric.GetProperty("field").GetString());
        Assert.Equal(250.5, numeric.GetProperty("max").GetDouble());
        Assert.Equal(3.0, all[0].GetProperty("volume").GetProperty("ratePerSecond").GetDouble());

        var limited = (await aggregator.GetJsonAsync("/api/v1/streams/host-a/orders/profiles?limit=1")).GetProperty("profiles");
        Assert.Equal(30UL, Assert.Single(limited.EnumerateArray()).GetProperty("volume").GetProperty("records").GetUInt64());

        var since = (await aggregator.GetJsonAsync($"/api/v1/streams/host-a/orders/profiles?since={Agents.T0 + 10_000}")).GetProperty("profiles");
        Assert.Equal(2, since.GetArrayLength());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    [InlineData("limit=100000")]
    [InlineData("since=yesterday")]
    public async Task Profiles_BadQuery_Returns400Problem(string query)
    {
        await using var aggregator = await StartWithDataAsync();
        var problem = await aggregator.GetJsonAsync("/api/v1/streams/host-a/orders/profiles?" + query, HttpStatusCode.BadRequest);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains(query.Split('=')[0], problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/streams/host-x/orders/profiles", "unknown host 'host-x'")]
    [InlineData("/api/v1/streams/host-a/payments/profiles", "host 'host-a' has no stream 'payments'")]
    public async Task Profiles_Unknown_Returns404(string path, string detail)
    {
        await using var aggregator = await StartWithDataAsync();
        var problem = await aggregator.GetJsonAsync(path, HttpStatusCode.NotFound);
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Healthz_Running_Ok()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        Assert.Equal("ok", (await aggregator.GetJsonAsync("/healthz")).GetProperty("status").GetString());
    }
}
