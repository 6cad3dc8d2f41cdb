using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Agent.Tests.Hosting;

public sealed class MetricsEndpointTests
{
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    [Fact]
    public async Task Get_Metrics_ServesTapCountersInPrometheusFormat()
    {
        var port = FreePort();
        var options = new AgentOptions
        {
            HostId = "metrics-host",
            Aggregator = new AggregatorOptions { Endpoint = $"http://127.0.0.1:{FreePort()}" },
            Metrics = new MetricsOptions { Listen = $"127.0.0.1:{port}" },
            Streams = [new StreamOptions { Name = "scraped", Tap = new TapOptions { Address = "127.0.0.1:0" }, NumericFields = ["v"] }],
            ShutdownTimeout = TimeSpan.Zero,
        };
        using var host = AgentProgram.Build(options);
        await host.StartAsync();
        try
        {
            var tap = host.Services.GetServices<IHostedService>().OfType<TapService>().Single().EndPoints[0];
            using (var producer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await producer.ConnectAsync(tap);
                await producer.SendAsync("{\"v\":1}\n{\"v\":2}\nnot json\n"u8.ToArray(), SocketFlags.None);
                producer.Shutdown(SocketShutdown.Send);
                var buffer = new byte[16];
                while (await producer.ReceiveAsync(buffer, SocketFlags.None) > 0)
                {
                }
            }

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var response = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain; version=0.0.4", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("# TYPE shadow_stage_received_total counter", text, StringComparison.Ordinal);
            Assert.Contains("shadow_stage_received_total{stage=\"tap\",stream=\"scraped\"} 3", text, StringComparison.Ordinal);
            Assert.Contains("shadow_stage_bytes_total{stage=\"tap\",stream=\"scraped\"} 25", text, StringComparison.Ordinal);
            Assert.Contains("shadow_stage_errors_total{reason=\"malformed\",stage=\"tap\",stream=\"scraped\"} 1", text, StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nothing")).StatusCode);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync("/metrics", null)).StatusCode);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
