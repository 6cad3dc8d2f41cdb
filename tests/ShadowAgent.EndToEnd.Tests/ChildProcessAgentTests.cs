using ShadowAgent.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ShadowAgent.EndToEnd.Tests.Harness;

namespace ShadowAgent.EndToEnd.Tests;

/// <summary>The published native AOT shadow-agent as a child process, against the real aggregator.</summary>
[Collection(PublishedAgentCollection.Name)]
public sealed class ChildProcessAgentTests(PublishedAgent agent)
{
    [Fact]
    public async Task NativeAgent_UnderSystemd_NotifiesReady_AndFlushesLastWindowOnSigterm()
    {
        Assert.True(agent.ExitCode == 0, "publish failed:\n" + agent.Output);
        using var dir = new TempDirectory();
        await using var aggregator = await RunningAggregator.StartAsync(dir.Path);
        var tapPort = FreePort.Next();
        var config = Path.Combine(dir.Path, "agent.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Agent": {
                "HostId": "aot-host",
                "Aggregator": { "Endpoint": "{{aggregator.GrpcUri.ToString().TrimEnd('/')}}" },
                "Streams": [ {
                  "Name": "payments",
                  "Tap": { "Kind": "tcp", "Address": "127.0.0.1:{{tapPort}}" },
                  "KeyFields": [ "user.id" ],
                  "NumericFields": [ "latency_ms" ],
                  "Window": "01:00:00"
                } ]
              }
            }
            """);

        // systemd's notification socket: the agent reports READY=1 once it listens and STOPPING=1 on SIGTERM.
        var notifyPath = Path.Combine(dir.Path, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));

        // The hosting library treats a process as a systemd service when its parent is named "systemd", so the
        // agent runs under a copy of bash of that name (bash -c with a second command does not exec away).
        var systemd = Path.Combine(dir.Path, "systemd");
        File.Copy("/bin/bash", systemd);
        var psi = new ProcessStartInfo(systemd)
        {
            ArgumentList = { "-c", "\"$0\" \"$@\"; exit $?", agent.BinaryPath, "--config", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NOTIFY_SOCKET"] = notifyPath },
        };
        using var parent = Process.Start(psi)!;
        var output = new StringBuilder();
        parent.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        parent.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        parent.BeginOutputReadLine();
        parent.BeginErrorReadLine();
        try
        {
            Assert.Contains("READY=1", await ReceiveAsync(notify, TimeSpan.FromSeconds(20)), StringComparison.Ordinal);

            const int records = 20_000;
            using (var producer = await Producer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, tapPort)))
            {
                var text = new StringBuilder();
                for (var i = 0; i < records; i++)
                {
                    text.Append(Producer.Record(i, i % 300));
                }

                await producer.SendAsync(text.ToString());
                producer.Finish();
                await producer.WaitForTapCloseAsync(TimeSpan.FromSeconds(20));
            }

            // The one-hour window is still open: only the graceful stop can deliver these records.
            var agentPid = ChildOf(parent.Id);
            using (var kill = Process.Start("kill", ["-TERM", agentPid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            Assert.Contains("STOPPING=1", await ReceiveAsync(notify, TimeSpan.FromSeconds(20)), StringComparison.Ordinal);
            using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await parent.WaitForExitAsync(exit.Token);
            }

            Assert.True(parent.ExitCode == 0, $"agent exit code {parent.ExitCode}:\n{output}");
            var stream = await aggregator.WaitForRecordsAsync("aot-host", "payments", records, TimeSpan.FromSeconds(10));
            Assert.Equal(records, stream.Totals.Records);
            Assert.Equal(records, stream.Totals.Parsed);
            var profiles = await aggregator.ProfilesAsync("aot-host", "payments");
            Assert.True(profiles[0].Partial);
        }
        finally
        {
            if (!parent.HasExited)
            {
                parent.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task NativeAgent_InvalidConfiguration_ExitsTwoNamingTheKey()
    {
        Assert.True(agent.ExitCode == 0, "publish failed:\n" + agent.Output);
        var psi = new ProcessStartInfo(agent.BinaryPath)
        {
            ArgumentList =
            {
                "--Agent:Streams:0:Name=web", "--Agent:Streams:0:Tap:Address=300.1.1.1:99",
                "--Agent:Streams:0:Window=00:00:07",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Agent:Streams:0:Tap:Address: '300.1.1.1:99'", stderr, StringComparison.Ordinal);
        Assert.Contains("Agent:Streams:0:Window:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static int ChildOf(int pid)
    {
        var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Trim();
        return int.Parse(children.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
