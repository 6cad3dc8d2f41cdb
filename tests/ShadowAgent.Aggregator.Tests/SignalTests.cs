using System.Net;
using System.Text.Json;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Tests;

/// <summary>Scored windows become stored signals by their stream's criticality, and the API lists them with their causes.</summary>
public sealed class SignalTests
{
    private static ShadowProfile Scored(long window, string stream, Severity severity, bool alarm = false)
    {
        var profile = Agents.Profile(window, stream: stream);
        profile.Anomaly = new AnomalyScore
        {
            Score = severity == Severity.None ? 0.2 : 0.99,
            TailProbability = severity switch { Severity.High => 5e-5, Severity.Medium => 5e-4, Severity.Low => 5e-3, _ => 0.3 },
            Severity = severity,
            Alarm = alarm,
            FeaturesScored = 12,
        };
        profile.Anomaly.Contributors.Add(new AnomalyContributor { Feature = "numeric.latency_ms.p99", Detector = "ewma", Statistic = 7.5, TailProbability = 1e-5 });
        return profile;
    }

    [Fact]
    public async Task ScoredProfiles_StoredAsSignals_ByStreamCriticality()
    {
        await using var aggregator = await TestAggregator.StartAsync(
            null, null, "--Aggregator:StreamCriticality:payments=critical", "--Aggregator:StreamCriticality:batch=low");
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            await Agents.SendBatchAsync(
                call,
                1,
                Scored(0, "payments", Severity.Low),     // critical: low is enough
                Scored(0, "orders", Severity.Low),       // normal: needs medium
                Scored(1, "orders", Severity.Medium),
                Scored(0, "batch", Severity.Medium),     // low: needs high
                Scored(1, "batch", Severity.High),
                Scored(2, "batch", Severity.None, alarm: true), // an alarm always signals
                Scored(2, "orders", Severity.None));
            await Agents.CloseAsync(call);
        }

        var signals = (await aggregator.GetJsonAsync("/api/v1/signals")).GetProperty("signals").EnumerateArray()
            .Select(s => (Stream: s.GetProperty("stream").GetString(), End: s.GetProperty("windowEndUnixMs").GetInt64(), Severity: s.GetProperty("severity").GetString()))
            .OrderBy(s => s.Stream, StringComparer.Ordinal).ThenBy(s => s.End)
            .ToList();

        Assert.Equal(
            [
                ("batch", Agents.Profile(1).WindowEndUnixMs, "high"),
                ("batch", Agents.Profile(2).WindowEndUnixMs, "none"),
                ("orders", Agents.Profile(1).WindowEndUnixMs, "medium"),
                ("payments", Agents.Profile(0).WindowEndUnixMs, "low"),
            ],
            signals);

        // The profiles themselves serve the score and its causes.
        var served = (await aggregator.GetJsonAsync("/api/v1/streams/host-a/orders/profiles")).GetProperty("profiles").EnumerateArray()
            .Single(p => p.GetProperty("windowEndUnixMs").GetInt64() == Agents.Profile(1).WindowEndUnixMs);
        Assert.Equal("medium", served.GetProperty("anomaly").GetProperty("severity").GetString());
        Assert.Equal("numeric.latency_ms.p99", served.GetProperty("anomaly").GetProperty("contributors")[0].GetProperty("feature").GetString());

        var one = (await aggregator.GetJsonAsync("/api/v1/signals?limit=1")).GetProperty("signals");
        Assert.Equal(1, one.GetArrayLength());
        Assert.Contains("numeric.latency_ms.p99 ewma", one[0].GetProperty("contributors").GetString(), StringComparison.Ordinal);
        Assert.Equal("host-a", one[0].GetProperty("host").GetString());
    }

    [Fact]
    public async Task ForecastInProfile_ServedWithItsPoints()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var profile = Agents.Profile(0);
        profile.Forecast = new Forecast { Series = "records", Model = "ETS(A,N,A)", Period = 12, StepMs = 10_000, Level = 0.95 };
        profile.Forecast.Points.Add(new ForecastPoint { Value = 120, Lower = 100, Upper = 140 });
        profile.Forecast.Points.Add(new ForecastPoint { Value = 130, Lower = 104, Upper = 156 });
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            await Agents.SendBatchAsync(call, 1, profile);
            await Agents.CloseAsync(call);
        }

        var forecast = (await aggregator.GetJsonAsync("/api/v1/streams/host-a/orders/profiles")).GetProperty("profiles")[0].GetProperty("forecast");
        Assert.Equal("ETS(A,N,A)", forecast.GetProperty("model").GetString());
        Assert.Equal(12u, forecast.GetProperty("period").GetUInt32());
        Assert.Equal([120.0, 130.0], forecast.GetProperty("points").EnumerateArray().Select(x => x.GetProperty("value").GetDouble()));
        Assert.Equal(156, forecast.GetProperty("points")[1].GetProperty("upper").GetDouble());
    }

    [Theory]
    [InlineData("/api/v1/signals?limit=0", "limit")]
    [InlineData("/api/v1/signals?since=yesterday", "since")]
    public async Task Signals_BadQuery_ProblemNamesTheParameter(string path, string parameter)
    {
        await using var aggregator = await TestAggregator.StartAsync();
        var problem = await aggregator.GetJsonAsync(path, HttpStatusCode.BadRequest);
        Assert.StartsWith(parameter, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCriticality_RefusedAtStart()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestAggregator.StartAsync(null, null, "--Aggregator:StreamCriticality:orders=urgent"));
        Assert.Contains("StreamCriticality:orders", error.ToString(), StringComparison.Ordinal);
    }
}
