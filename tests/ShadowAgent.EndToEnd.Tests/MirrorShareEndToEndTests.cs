using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShadowAgent.Agent;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Core.Streams;
using ShadowAgent.EndToEnd.Tests.Harness;

namespace ShadowAgent.EndToEnd.Tests;

/// <summary>
/// The real agent's http-mirror in front of a Kestrel primary, copying to a Kestrel shadow; the real aggregator's
/// orchestrator reads the mirror stream, scales production up when the shadow is slow, moves the share, and the
/// agent applies it with SetRate.
/// </summary>
public sealed class MirrorShareEndToEndTests
{
    [Fact]
    public async Task SlowThenFailingShadow_AggregatorScalesUpRaisesThenLowersTheAgentsShare()
    {
        using var dir = new TempDirectory();
        await using var primary = await Server.StartAsync();
        await using var shadow = await Server.StartAsync();
        shadow.DelayMs = 80;
        await using var aggregator = await RunningAggregator.StartAsync(dir.Path, 0,
            "--Aggregator:Orchestrator:Enabled=true",
            "--Aggregator:Orchestrator:Targets:web:Host=e2e-mirror",
            "--Aggregator:Orchestrator:Targets:web:Target=cgroup:shadow/web",
            "--Aggregator:Orchestrator:Targets:web:ResourceStream=web-probe",
            "--Aggregator:Orchestrator:Targets:web:ShadowStream=checkout-mirror",
            "--Aggregator:Orchestrator:Targets:web:MirrorShare:InitialShare=0.5",
            "--Aggregator:Orchestrator:Targets:web:MirrorShare:MaxShare=1",
            "--Aggregator:Orchestrator:Targets:web:MirrorShare:Cooldown=00:00:00",
            // Off here: the slow shadow fills the copy queue, and the share must come down for the failing shadow's
            // error rate, not for those drops (the drop cost has its own policy test).
            "--Aggregator:Orchestrator:Targets:web:MirrorShare:CostDropShare=0");
        var stream = new StreamOptions
        {
            Name = "checkout-mirror",
            Tap = new TapOptions { Kind = TapKinds.HttpMirror, Address = "127.0.0.1:0" },
            KeyFields = ["path", "outcome"],
            NumericFields = ["primary_latency_ms", "shadow_latency_ms", "shadow_error"],
            Window = TimeSpan.FromSeconds(1),
        };
        stream.Tap.Mirror.Primary = primary.Address;
        stream.Tap.Mirror.Shadow = shadow.Address;
        stream.Tap.Mirror.Rate = 0.5;
        var options = new AgentOptions
        {
            HostId = "e2e-mirror",
            HostName = "e2e-mirror",
            Aggregator = new AggregatorOptions { Endpoint = aggregator.GrpcUri.ToString().TrimEnd('/') },
            Streams = [stream],
            ShutdownTimeout = TimeSpan.FromSeconds(20),
        };
        using var agent = AgentProgram.Build(options);
        await agent.StartAsync();
        var mirror = Assert.Single(agent.Services.GetRequiredService<TapService>().Mirrors);
        using var client = new HttpClient { BaseAddress = new Uri($"http://{agent.Services.GetRequiredService<TapService>().Taps[0].Source}") };

        // A slow shadow: the orchestrator scales production up and raises the share; the agent applies it.
        await TrafficUntilAsync(client, () => mirror.Rate > 0.5, "the share raised on the agent");
        var decisions = await aggregator.Api.GetStringAsync(new Uri("/api/v1/decisions?target=web", UriKind.Relative));
        Assert.Contains("\"rule\":\"shadow_degradation\"", decisions, StringComparison.Ordinal);
        var raised = mirror.Rate;

        // The shadow now fails every copy: costly, so the share comes down.
        shadow.DelayMs = 0;
        shadow.Status = 503;
        await TrafficUntilAsync(client, () => mirror.Rate < raised, "the share lowered on the agent");
        Assert.Equal(200, primary.Status);

        // The command reaches the agent before the aggregator writes its row: poll for the row.
        List<JsonElement> rows = [];
        await ShadowAgent.Testing.Eventually.Until(() =>
        {
            using var changes = JsonDocument.Parse(aggregator.Api.GetStringAsync(new Uri("/api/v1/mirror-shares?target=web", UriKind.Relative)).GetAwaiter().GetResult());
            rows = [.. changes.RootElement.GetProperty("changes").EnumerateArray().Select(r => r.Clone())];
            return rows.Any(r => r.GetProperty("direction").GetString() == "lower");
        }, "the lowered share recorded by the aggregator");
        Assert.Contains(rows, r => r.GetProperty("direction").GetString() == "raise" && r.GetProperty("reason").GetString()!.StartsWith("useful: shadow.latency_p99_ratio", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.GetProperty("direction").GetString() == "lower" && r.GetProperty("reason").GetString()!.StartsWith("cost: shadow.error_rate", StringComparison.Ordinal));
        await agent.StopAsync();
    }

    /// <summary>Sends requests through the mirror (every one answered by the primary) until the condition holds.</summary>
    private static async Task TrafficUntilAsync(HttpClient client, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        var i = 0;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            using var response = await client.GetAsync(new Uri($"/api/checkout/{i++ % 20}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(5);
        }
    }

    /// <summary>A Kestrel server on loopback answering "ok" (or <see cref="Status"/>) after <see cref="DelayMs"/>.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Server(WebApplication app) => _app = app;

        public int DelayMs { get; set; }

        public int Status { get; set; } = 200;

        public string Address { get; private set; } = "";

        public static async Task<Server> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var server = new Server(app);
            app.Run(async context =>
            {
                if (server.DelayMs > 0)
                {
                    await Task.Delay(server.DelayMs);
                }

                context.Response.StatusCode = server.Status;
                await context.Response.WriteAsync("ok");
            });
            await app.StartAsync();
            server.Address = new Uri(app.Urls.First()).Authority;
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
