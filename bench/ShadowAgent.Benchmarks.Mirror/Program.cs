using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Windowing;
using ShadowAgent.Mirror;

// The mirror's load-test rig (bench/mirror/wrk-mirror.sh runs it):
//   servers <primary ip:port> <shadow ip:port> <shadow delay ms>   a Kestrel primary and shadow ("hello world", 11 B)
//   mirror <listen ip:port> <primary ip:port> <shadow ip:port> <rate>   the mirror tap with real stream windows
// Both run until stdin closes or SIGTERM; the mirror prints its counters as it stops.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: servers <primary> <shadow> <delayMs> | mirror <listen> <primary> <shadow> <rate>");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
// The web hosts' console lifetime takes SIGTERM over; this makes it end the rig too.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

switch (args[0])
{
    case "servers":
    {
        var delay = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
        var primary = await StartServerAsync(args[1], 0);
        var shadow = await StartServerAsync(args[2], delay);
        using var stopping = primary.Lifetime.ApplicationStopping.Register(stop.Cancel);
        Console.WriteLine($"servers ready: primary {args[1]}, shadow {args[2]} (+{delay} ms)");
        await WaitAsync(stop.Token);
        await primary.StopAsync();
        await shadow.StopAsync();
        return 0;
    }

    case "mirror":
    {
        var stream = new StreamOptions
        {
            Name = "bench-mirror",
            Tap = new TapOptions { Kind = TapKinds.HttpMirror, Address = args[1], MaxConnections = 1024 },
            KeyFields = [MirrorFields.Path, MirrorFields.Route, MirrorFields.Outcome],
            NumericFields = [MirrorFields.PrimaryLatencyMs, MirrorFields.ShadowLatencyMs, MirrorFields.ShadowError],
        };
        stream.Tap.Mirror.Primary = args[2];
        stream.Tap.Mirror.Shadow = args[3];
        stream.Tap.Mirror.Rate = double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
        stream.Tap.Mirror.ShadowTimeout = TimeSpan.FromSeconds(2);
        var windows = new StreamWindows(stream, TimeProvider.System);
        var tap = MirrorTap.Start(stream, windows, NullLoggerFactory.Instance);
        Console.WriteLine($"mirror ready on {tap.LocalEndPoint}, share {tap.Rate}");
        using var closer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await closer.WaitForNextTickAsync(stop.Token))
            {
                // Windows close as they would in the agent, so their cost is in the figures.
                windows.CloseDue(DateTimeOffset.UtcNow);
            }
        }
        catch (OperationCanceledException)
        {
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await tap.StopAsync(timeout.Token);
        var c = tap.Counters;
        Console.WriteLine($"mirror counters: requests {c.Requests}, primary errors {c.PrimaryErrors}, mirrored {c.Mirrored}, queue drops {c.QueueDrops}, shadow sent {c.ShadowSent}, answered {c.ShadowAnswered}, errors {c.ShadowErrors}, breaker drops {c.BreakerDrops}, breaker opens {c.BreakerOpens}");
        return 0;
    }

    default:
        Console.Error.WriteLine($"unknown role '{args[0]}'");
        return 2;
}

static async Task<WebApplication> StartServerAsync(string address, int delayMs)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    var endPoint = IPEndPoint.Parse(address);
    builder.WebHost.UseKestrel(k => k.Listen(endPoint));
    var app = builder.Build();
    var body = "hello world"u8.ToArray();
    app.Run(async context =>
    {
        if (delayMs > 0)
        {
            await Task.Delay(delayMs);
        }

        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    });
    await app.StartAsync();
    return app;
}

static async Task WaitAsync(CancellationToken token)
{
    try
    {
        await Task.Delay(Timeout.Infinite, token);
    }
    catch (OperationCanceledException)
    {
    }
}
