using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShadowAgent.Agent.Actuation;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Hosting;
using ShadowAgent.Agent.Mirroring;
using ShadowAgent.Agent.Models;
using ShadowAgent.Agent.Uplink;
using ShadowAgent.Core.Streams;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Agent;

/// <summary>The composition root: configuration, validation, and the host with its services.</summary>
internal static class AgentProgram
{
    public const int ExitInvalidConfiguration = 2;
    public const int ExitFailed = 1;

    public static async Task<int> RunAsync(string[] args)
    {
        var command = AgentCommandLine.Parse(args);
        if (command.Version)
        {
            Console.Out.WriteLine($"shadow-agent {HostFacts.AgentVersion}");
            return 0;
        }

        var (options, errors) = AgentConfig.Load(args, Environment.GetEnvironmentVariables());
        if (options is null)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine(error);
            }

            return ExitInvalidConfiguration;
        }

        if (command.CheckConfig)
        {
            Console.Out.WriteLine($"configuration is valid: {options.Streams.Count} streams, aggregator {options.Aggregator.Endpoint}");
            return 0;
        }

        IHost built;
        try
        {
            built = Build(options);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"shadow-agent could not start: {ex.Message}");
            return ExitFailed;
        }

        using var host = built;
        var taps = host.Services.GetServices<IHostedService>().OfType<TapService>().Single();
        try
        {
            taps.Bind();
            host.Services.GetService<MetricsEndpoint>()?.Bind();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The message names the stream (or the metrics key) and the address; nothing else has started yet.
            var what = ex is System.Net.Sockets.SocketException ? $"Agent:Metrics:Listen: '{options.Metrics.Listen}': {ex.Message}" : ex.Message;
            Console.Error.WriteLine($"shadow-agent could not start: {what}");
            await taps.DisposeAsync();
            return ExitFailed;
        }

        await host.StartAsync();
        var elapsedMs = StartClock.ElapsedMs;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ShadowAgent");
        AgentLog.Started(logger, HostFacts.AgentVersion, options.HostId, options.Streams.Count, options.Aggregator.Endpoint, elapsedMs);
        if (host.Services.GetService<ISpoolStore>() is { } store)
        {
            AgentLog.SpoolRecovered(logger, options.Spool.Directory, store.Recovered.Count, store.Epoch);
            if (store.Corrupt > 0)
            {
                AgentLog.SpoolCorrupt(logger, options.Spool.Directory, store.Corrupt);
            }
        }
        await host.WaitForShutdownAsync();
        return 0;
    }

    public static IHost Build(AgentOptions options)
    {
        // The empty builder skips the default configuration sources and logging providers we do not use,
        // which keeps start-up short; configuration was already loaded and validated.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "shadow-agent",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<UplinkMetrics>();
        var store = OpenSpoolStore(options.Spool);
        if (store is not null)
        {
            services.AddSingleton<ISpoolStore>(store);
        }

        services.AddSingleton<IProfileSpool>(new ProfileSpool(options.Aggregator.MaxUnackedBatches, options.Spool.MaxBytes, store));
        services.AddSingleton<StreamModels>();
        services.AddSingleton<AgentStreams>();
        services.AddSingleton<ICommandHandler>(sp => ResizeCommandHandler.Create(
            options.Actuation, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("ShadowAgent.Actuation")));
        services.AddSingleton(sp => new UplinkService(
            options,
            sp.GetRequiredService<IProfileSpool>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<UplinkService>>(),
            sp.GetRequiredService<UplinkMetrics>(),
            Random.Shared,
            sp.GetRequiredService<ICommandHandler>(),
            sp.GetRequiredService<StreamModels>(),
            new MirrorShareHandler(
                () => sp.GetRequiredService<TapService>().Mirrors,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("ShadowAgent.Mirror.Share"))));

        // Hosted services stop in reverse order: taps drain first, then the partial windows are queued, then
        // the uplink waits for their acknowledgement.
        services.AddHostedService(sp => sp.GetRequiredService<UplinkService>());
        services.AddHostedService<WindowCloser>();
        services.AddSingleton<TapService>();
        services.AddHostedService(sp => sp.GetRequiredService<TapService>());
        if (options.Metrics.Listen.Length > 0 && StreamOptionsValidator.TryParseTcpAddress(options.Metrics.Listen, out var metricsAt))
        {
            services.AddSingleton(_ => new PrometheusExporter());
            services.AddSingleton(sp => new MetricsEndpoint(
                metricsAt, sp.GetRequiredService<PrometheusExporter>(), sp.GetRequiredService<ILogger<MetricsEndpoint>>()));
            services.AddHostedService(sp => sp.GetRequiredService<MetricsEndpoint>());
        }
        return builder.Build();
    }

    /// <exception cref="InvalidOperationException">The spool directory cannot be used; the message names the key.</exception>
    private static DirectorySpoolStore? OpenSpoolStore(SpoolOptions spool)
    {
        if (spool.Directory.Length == 0)
        {
            return null;
        }

        try
        {
            return DirectorySpoolStore.Open(spool.Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Agent:Spool:Directory: cannot use '{spool.Directory}': {ex.Message}", ex);
        }
    }
}
