using System.Diagnostics;
using System.Text.Json;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Aggregator.Tests.Orchestration;

namespace ShadowAgent.Aggregator.Tests.Keda;

/// <summary>
/// The KEDA external scaler on the real aggregator, called by an independent client: Python with Debian's
/// python3-grpcio, stubs built from proto/keda/externalscaler.proto by python3-grpc-tools at test time.
/// </summary>
public sealed class KedaScalerTests
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task PythonClient_PredictedPeak_DrivesReplicasAhead()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        // host-a: 100/s now, its agent forecasts a 300/s peak; host-b: 200/s now, no forecast yet.
        var (a, _) = await aggregator.ConnectAsync(Agents.Hello("host-a", epoch: 1));
        var (b, _) = await aggregator.ConnectAsync(Agents.Hello("host-b", epoch: 2));
        using (a)
        using (b)
        {
            await Agents.SendBatchAsync(a, 1, FakeAgent.WorkloadProfile(0, rate: 80), FakeAgent.WorkloadProfile(1, rate: 100, forecastRates: [150, 300, 250]));
            await Agents.SendBatchAsync(b, 1, FakeAgent.WorkloadProfile(1, rate: 200));

            var lines = await RunClientAsync(aggregator, "stream=orders", "capacityPerReplica=120");
            var spec = lines["GetMetricSpec"].GetProperty("metricSpecs")[0];
            Assert.Equal("shadow-predicted-rate-orders", spec.GetProperty("metricName").GetString());
            Assert.Equal(120, spec.GetProperty("targetSize").GetInt64());
            Assert.Equal(120, spec.GetProperty("targetSizeFloat").GetDouble());
            Assert.True(lines["IsActive"].GetProperty("result").GetBoolean());
            Assert.True(lines["StreamIsActive"].GetProperty("result").GetBoolean());

            var value = lines["GetMetrics"].GetProperty("metricValues")[0];
            Assert.Equal("shadow-predicted-rate-orders", value.GetProperty("metricName").GetString());
            Assert.Equal(500, value.GetProperty("metricValueFloat").GetDouble(), 6); // 300 + 200
            Assert.Equal(500, value.GetProperty("metricValue").GetInt64());
            // What the HPA does with it: ceil(500 / 120) = 5 replicas now, for load that has not arrived (300/s now).
            Assert.Equal(5, (int)Math.Ceiling(value.GetProperty("metricValueFloat").GetDouble() / spec.GetProperty("targetSizeFloat").GetDouble()));

            var invalid = lines["GetMetricsWithoutStream"];
            Assert.Equal("INVALID_ARGUMENT", invalid.GetProperty("code").GetString());
            Assert.StartsWith("scalerMetadata.stream is required", invalid.GetProperty("details").GetString());

            // One host only, the interval's upper bound, and an activation threshold above the prediction.
            var upper = await RunClientAsync(aggregator, "stream=orders", "capacityPerReplica=120", "hosts=host-a", "bound=upper", "activationRate=400");
            Assert.Equal(330, upper["GetMetrics"].GetProperty("metricValues")[0].GetProperty("metricValueFloat").GetDouble(), 6);
            Assert.False(upper["IsActive"].GetProperty("result").GetBoolean());

            await Agents.CloseAsync(a);
            await Agents.CloseAsync(b);
        }
    }

    private static async Task<Dictionary<string, JsonElement>> RunClientAsync(TestAggregator aggregator, params string[] metadata)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: run ./install.sh (python3-grpcio, python3-grpc-tools)");
        var directory = Path.Combine(AppContext.BaseDirectory, "keda");
        var uri = aggregator.Get<ListenEndpoints>().GrpcUri;
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, "keda_client.py"));
        start.ArgumentList.Add($"{uri.Host}:{uri.Port}");
        start.ArgumentList.Add(Path.Combine(directory, "externalscaler.proto"));
        foreach (var item in metadata)
        {
            start.ArgumentList.Add(item);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"keda_client.py exited {process.ExitCode}: {await stderr}\n{await stdout}");
        var lines = new Dictionary<string, JsonElement>();
        foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var element = JsonDocument.Parse(line).RootElement.Clone();
            lines[element.GetProperty("call").GetString()!] = element;
        }

        return lines;
    }
}
