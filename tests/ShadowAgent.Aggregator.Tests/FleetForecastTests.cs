using System.Net;
using System.Text.Json;

namespace ShadowAgent.Aggregator.Tests;

/// <summary>The fleet's volume forecast: per-window totals over hosts, fitted by the backtest-chosen forecaster.</summary>
public sealed class FleetForecastTests
{
    private static async Task SendAsync(TestAggregator aggregator, string host, int windows, Func<int, ulong> records)
    {
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello(host));
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, [.. Enumerable.Range(0, windows).Select(w => Agents.Profile(w, records(w)))]);
            await Agents.CloseAsync(call);
        }
    }

    [Fact]
    public async Task TwoHostsWithADailyLikeCycle_FleetForecastFollowsTheSummedCycle()
    {
        await using var aggregator = await TestAggregator.StartAsync();

        // A 12-window cycle on both hosts; the fleet's totals are 150, 300, ..., 1800.
        await SendAsync(aggregator, "host-a", 240, w => (ulong)(100 * ((w % 12) + 1)));
        await SendAsync(aggregator, "host-b", 240, w => (ulong)(50 * ((w % 12) + 1)));

        var forecast = await aggregator.GetJsonAsync("/api/v1/fleet/streams/orders/forecast?horizon=6&level=0.95");

        Assert.Equal(10_000, forecast.GetProperty("stepMs").GetInt64());
        Assert.Equal(240, forecast.GetProperty("historyWindows").GetInt32());
        Assert.Equal(Agents.Profile(239).WindowEndUnixMs, forecast.GetProperty("lastWindowEndUnixMs").GetInt64());
        var points = forecast.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(6, points.Count);
        for (var h = 0; h < 6; h++)
        {
            // Window 240 starts a new cycle.
            var truth = 150.0 * (h + 1);
            var p = points[h];
            Assert.Equal(Agents.Profile(240 + h).WindowEndUnixMs, p.GetProperty("windowEndUnixMs").GetInt64());
            Assert.InRange(truth, p.GetProperty("lower").GetDouble(), p.GetProperty("upper").GetDouble());
            Assert.InRange(p.GetProperty("value").GetDouble(), truth * 0.8, truth * 1.2);
        }
    }

    [Fact]
    public async Task TooLittleHistory_Conflict_UnknownStream_NotFound_BadParameters_BadRequest()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        await SendAsync(aggregator, "host-a", 3, _ => 100);

        await aggregator.GetJsonAsync("/api/v1/fleet/streams/orders/forecast", HttpStatusCode.Conflict);
        await aggregator.GetJsonAsync("/api/v1/fleet/streams/payments/forecast", HttpStatusCode.NotFound);
        foreach (var (query, parameter) in new[] { ("horizon=0", "horizon"), ("level=1.5", "level"), ("history=2", "history") })
        {
            var problem = await aggregator.GetJsonAsync($"/api/v1/fleet/streams/orders/forecast?{query}", HttpStatusCode.BadRequest);
            Assert.StartsWith(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }
}
