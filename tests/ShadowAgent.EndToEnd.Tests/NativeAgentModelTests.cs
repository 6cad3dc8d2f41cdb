using ShadowAgent.Testing;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Aggregator.Models;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.EndToEnd.Tests.Harness;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.EndToEnd.Tests;

/// <summary>
/// The published native AOT agent with the aggregator's models: ONNX Runtime's native library is published beside it
/// and loads under native AOT; a copy of the binary without the library refuses models with the reason and goes on
/// scoring with its statistical detectors.
/// </summary>
[Collection(PublishedAgentCollection.Name)]
public sealed class NativeAgentModelTests(PublishedAgent agent)
{
    [Fact]
    public void Publish_NativeAot_PutsOnnxRuntimeBesideTheAgent()
    {
        Assert.True(agent.ExitCode == 0, "publish failed:\n" + agent.Output);
        Assert.True(File.Exists(Path.Combine(agent.OutputDirectory, "libonnxruntime.so")), "no libonnxruntime.so beside the agent");
    }

    [Fact]
    public async Task NativeAgent_WithoutOnnxRuntime_RefusesModelsWithTheReason_ThenWithItLoadsThem()
    {
        Assert.True(agent.ExitCode == 0, "publish failed:\n" + agent.Output);
        using var dir = new TempDirectory();
        await using var aggregator = await RunningAggregator.StartAsync(dir.Path, 0,
            "--Aggregator:Models:MinProfiles=8", "--Aggregator:Models:ForestTrees=3", "--Aggregator:Models:AutoencoderEpochs=10",
            "--Aggregator:Models:RefreshInterval=0");
        var reader = aggregator.App.Services.GetRequiredService<StoreReader>();
        var registry = aggregator.App.Services.GetRequiredService<ModelRegistry>();

        // The binary alone, in a directory without libonnxruntime.so.
        var bare = Path.Combine(dir.Path, "bare");
        Directory.CreateDirectory(bare);
        File.Copy(agent.BinaryPath, Path.Combine(bare, "shadow-agent"));

        var tapPort = FreePort.Next();
        var config = Path.Combine(dir.Path, "agent.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Agent": {
                "HostId": "native-models",
                "Aggregator": { "Endpoint": "{{aggregator.GrpcUri.ToString().TrimEnd('/')}}" },
                "Streams": [ {
                  "Name": "payments",
                  "Tap": { "Kind": "tcp", "Address": "127.0.0.1:{{tapPort}}" },
                  "KeyFields": [ "user.id" ],
                  "NumericFields": [ "latency_ms" ],
                  "Window": "00:00:00.250",
                  "Detection": { "Warmup": 4 }
                } ]
              }
            }
            """);

        List<ShadowProfile> Whole() => reader.FindStream("native-models", "payments") is { } s
            ? [.. reader.ListProfiles(s.StreamId, 1000, null).Where(p => !p.Partial).Select(p => ShadowProfile.Parser.ParseFrom(p.Payload))]
            : [];

        List<long> ids;
        await using (var run = await AgentProcess.StartAsync(Path.Combine(bare, "shadow-agent"), config, tapPort))
        {
            await Eventually.Until(() => Whole().Count >= 10, "ten whole windows from the agent without ONNX Runtime", TimeSpan.FromSeconds(60));
            var retrain = await aggregator.Api.PostAsync(new Uri("/api/v1/models/retrain?stream=payments", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, retrain.StatusCode);
            ids = [.. registry.List("payments").Select(m => m.ModelId)];
            Assert.Equal(2, ids.Count);

            await Eventually.Until(() => registry.Results(ids).Count == 2, "both refusals stored", TimeSpan.FromSeconds(30));
            Assert.All(registry.Results(ids), r =>
            {
                Assert.False(r.Loaded);
                Assert.StartsWith("ONNX Runtime native library (libonnxruntime.so beside the agent) could not be loaded", r.Message, StringComparison.Ordinal);
            });

            // Still scoring with the statistical detectors, and still delivering.
            var refusedAt = Whole().Max(p => p.WindowEndUnixMs);
            await Eventually.Until(() => Whole().Any(p => p.WindowEndUnixMs > refusedAt && p.Anomaly is { FeaturesScored: > 0, Models.Count: 0 }),
                "a later window scored by the statistical detectors alone", TimeSpan.FromSeconds(30));
            var log = run.Output;
            Assert.Equal(1, CountOf(log, "ONNX Runtime is not available"));
        }

        // The published directory, library beside the binary: the newest models arrive after the Welcome and load.
        await using (var run = await AgentProcess.StartAsync(agent.BinaryPath, config, tapPort))
        {
            await Eventually.Until(() => registry.Results(ids).Count(r => r.Loaded) == 2, "both models loaded by the native agent", TimeSpan.FromSeconds(30));
            await Eventually.Until(() => Whole().Any(p => p.Anomaly?.Models.Count == 2), "a window scored by both models", TimeSpan.FromSeconds(30));
        }
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>The agent binary as a child process with a producer writing to its tap until it is disposed.</summary>
    private sealed class AgentProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _producer;

        private AgentProcess(Process process, int tapPort)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _producer = ProduceAsync(tapPort, _stop.Token);
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static Task<AgentProcess> StartAsync(string binary, string config, int tapPort)
        {
            var psi = new ProcessStartInfo(binary) { ArgumentList = { "--config", config }, RedirectStandardOutput = true, RedirectStandardError = true };
            return Task.FromResult(new AgentProcess(Process.Start(psi)!, tapPort));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _producer;
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            _process.Dispose();
            _stop.Dispose();
        }

        private static async Task ProduceAsync(int tapPort, CancellationToken stop)
        {
            // The tap listens shortly after the process starts.
            Producer? connection = null;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (connection is null)
            {
                try
                {
                    connection = await Producer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, tapPort));
                }
                catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20, CancellationToken.None);
                }
            }

            using (connection)
            {
                var random = new Random(9);
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        await connection.SendAsync(Producer.Record(i, Math.Round(10 + (random.NextDouble() * 30), 2)));
                    }
                    catch (System.Net.Sockets.SocketException)
                    {
                        return;
                    }

                    await Task.Delay(2, CancellationToken.None);
                }
            }
        }
    }
}
