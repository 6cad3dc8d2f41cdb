using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ShadowAgent.Mirror.Tests.Support;

/// <summary>One request as a test server received it.</summary>
internal sealed record ReceivedRequest(string Method, string Target, Dictionary<string, string> Headers, byte[] Body);

/// <summary>
/// A real Kestrel server on a loopback port, playing the primary or the shadow. It records every request and
/// answers by path: /status/{code}, /chunked (a body without Content-Length), /gate (waits for <see cref="Gate"/>),
/// anything else echoes method, path and body length.
/// </summary>
internal sealed class HttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HttpServer(WebApplication app) => _app = app;

    public IPEndPoint EndPoint { get; private set; } = null!;

    public string Address => EndPoint.ToString();

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public int Count => _received.Count;

    /// <summary>When set, every request waits for <see cref="Release"/> before it is answered.</summary>
    public bool HoldAll { get; set; }

    public void Release() => _gate.TrySetResult();

    /// <summary>When set, answers every request after it is recorded (and held); return false to fall back to the paths above.</summary>
    public Func<HttpContext, Task<bool>>? Custom { get; set; }

    public static async Task<HttpServer> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new HttpServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        server.EndPoint = IPEndPoint.Parse(new Uri(address).Authority);
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var target = context.Request.Path + context.Request.QueryString;
        _received.Enqueue(new ReceivedRequest(context.Request.Method, target, headers, body.ToArray()));
        if (HoldAll)
        {
            await _gate.Task;
        }

        if (Custom is { } custom && await custom(context))
        {
            return;
        }

        var path = context.Request.Path.Value ?? "/";
        context.Response.Headers["X-Server"] = "test";
        if (path.StartsWith("/status/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = int.Parse(path["/status/".Length..], System.Globalization.CultureInfo.InvariantCulture);
            if (context.Response.StatusCode is not (204 or 304))
            {
                await context.Response.WriteAsync("status");
            }

            return;
        }

        if (path == "/chunked")
        {
            for (var i = 0; i < 5; i++)
            {
                await context.Response.WriteAsync($"part {i};");
                await context.Response.Body.FlushAsync();
            }

            return;
        }

        var text = $"{context.Request.Method} {target} {body.Length}";
        context.Response.ContentType = "text/plain";
        context.Response.Headers["X-Echo-Length"] = body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (context.Request.Method != "HEAD")
        {
            await context.Response.WriteAsync(text);
        }
        else
        {
            context.Response.ContentLength = text.Length;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
