using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Agent.Hosting;

/// <summary>
/// Serves <c>GET /metrics</c> (Prometheus text format) and <c>GET /healthz</c> over plain HTTP/1.1 on one
/// socket. The agent has no web framework on purpose (binary size and start-up time): a scrape is one small
/// request per connection, answered and closed, so a few lines of socket code are enough. Requests are
/// bounded in size and time.
/// </summary>
internal sealed class MetricsEndpoint(IPEndPoint listen, PrometheusExporter exporter, ILogger<MetricsEndpoint> logger) : BackgroundService
{
    private const int MaxRequestBytes = 8 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _listener = new(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

    public EndPoint LocalEndPoint => _listener.LocalEndPoint ?? listen;

    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public void Bind()
    {
        if (_listener.IsBound)
        {
            return;
        }

        _listener.Bind(listen);
        _listener.Listen(16);
        AgentLog.MetricsListening(logger, LocalEndPoint);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Bind();
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException)
            {
                continue;
            }

            _ = ServeAsync(client, stoppingToken);
        }
    }

    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }

    private async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var request = await ReadRequestLineAsync(client, timeout.Token);
            var (status, body) = request switch
            {
                null => ("400 Bad Request", "bad request\n"),
                ["GET", "/metrics", _] => ("200 OK", exporter.Collect()),
                ["GET", "/healthz", _] => ("200 OK", "ok\n"),
                ["GET", _, _] => ("404 Not Found", "not found: the agent serves /metrics and /healthz\n"),
                _ => ("405 Method Not Allowed", "only GET is served\n"),
            };
            var payload = Encoding.UTF8.GetBytes(body);
            var contentType = status.StartsWith("200", StringComparison.Ordinal) && request is [_, "/metrics", _]
                ? PrometheusExporter.ContentType
                : "text/plain; charset=utf-8";
            var head = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n");
            await client.SendAsync(head, SocketFlags.None, timeout.Token);
            await client.SendAsync(payload, SocketFlags.None, timeout.Token);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // A scraper that went away or stalled: nothing to answer.
        }
    }

    /// <summary>Reads up to the end of the request head and returns the request line's three parts.</summary>
    private static async Task<string[]?> ReadRequestLineAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                var lineEnd = buffer.AsSpan(0, length).IndexOf("\r\n"u8);
                var parts = Encoding.ASCII.GetString(buffer, 0, lineEnd).Split(' ');
                return parts.Length == 3 ? [parts[0], parts[1].Split('?')[0], parts[2]] : null;
            }
        }

        return null;
    }
}
