using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ShadowAgent.ClosedLoop.SystemUnderTest;

/// <summary>
/// The real shadow-aggregator and shadow-agent, each its own process on loopback with the configuration files
/// written into the run's directory. Started aggregator first (ready when /healthz answers), then the agent (ready
/// when its tap accepts and the aggregator lists its host). Disposing stops both.
/// </summary>
internal sealed class ShadowSystem : IDisposable
{
    private readonly ChildProcess _aggregator;
    private readonly ChildProcess _agent;
    private readonly HttpClient _http;

    private ShadowSystem(ChildProcess aggregator, ChildProcess agent, HttpClient http, SystemPorts ports)
    {
        _aggregator = aggregator;
        _agent = agent;
        _http = http;
        Ports = ports;
    }

    public SystemPorts Ports { get; }

    public static async Task<ShadowSystem> StartAsync(string aggregatorPath, string agentPath, JsonObject aggregatorConfig, JsonObject agentConfig,
        SystemPorts ports, string directory, CancellationToken cancellation)
    {
        Directory.CreateDirectory(directory);
        var options = new JsonSerializerOptions { WriteIndented = true };
        var aggregatorFile = Path.Combine(directory, "aggregator.json");
        var agentFile = Path.Combine(directory, "agent.json");
        await File.WriteAllTextAsync(aggregatorFile, aggregatorConfig.ToJsonString(options), cancellation);
        await File.WriteAllTextAsync(agentFile, agentConfig.ToJsonString(options), cancellation);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Http.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(10) };
        var aggregator = ChildProcess.Start(aggregatorPath, ["--config", aggregatorFile], Path.Combine(directory, "aggregator.log"));
        ChildProcess? agent = null;
        try
        {
            await WaitAsync(async () => (await http.GetAsync("/healthz", cancellation)).IsSuccessStatusCode, aggregator, "the aggregator answers /healthz", cancellation);
            agent = ChildProcess.Start(agentPath, ["--config", agentFile], Path.Combine(directory, "agent.log"));
            foreach (var port in new[] { ports.Tap, ports.AccessTap })
            {
                await WaitAsync(async () =>
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync("127.0.0.1", port, cancellation);

                    // A connect that reached itself (TCP simultaneous open) is not the agent.
                    return !Equals(probe.Client.LocalEndPoint, probe.Client.RemoteEndPoint);
                }, agent, $"the agent's tap on port {port} accepts", cancellation);
            }
            await WaitAsync(async () => (await http.GetStringAsync("/api/v1/hosts", cancellation)).Contains(SystemConfig.HostId, StringComparison.Ordinal),
                agent, "the aggregator lists the agent's host", cancellation);
            return new ShadowSystem(aggregator, agent, http, ports);
        }
        catch
        {
            agent?.Dispose();
            aggregator.Dispose();
            http.Dispose();
            throw;
        }
    }

    /// <summary>GET <paramref name="path"/> as text; the error's text when the request fails.</summary>
    public async Task<(bool Ok, string Body)> GetAsync(string path, CancellationToken cancellation)
    {
        try
        {
            using var response = await _http.GetAsync(path, cancellation);
            return (response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(cancellation));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (false, e.Message);
        }
    }

    public bool Alive(out string why)
    {
        why = _aggregator.HasExited ? $"shadow-aggregator exited ({_aggregator.ExitCode}):\n{_aggregator.Tail()}"
            : _agent.HasExited ? $"shadow-agent exited ({_agent.ExitCode}):\n{_agent.Tail()}" : "";
        return why.Length == 0;
    }

    public void Dispose()
    {
        _agent.Dispose();
        _aggregator.Dispose();
        _http.Dispose();
    }

    private static async Task WaitAsync(Func<Task<bool>> ready, ChildProcess process, string what, CancellationToken cancellation)
    {
        var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"waiting until {what}: the process exited with {process.ExitCode}; its log ({process.LogPath}) ends:\n{process.Tail()}");
            }

            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException && !cancellation.IsCancellationRequested)
            {
                // Not up yet.
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{what}: not within 60 s; the log ({process.LogPath}) ends:\n{process.Tail()}");
            }

            await Task.Delay(100, cancellation);
        }
    }
}
