using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ShadowAgent.Aggregator.Api;
using ShadowAgent.Aggregator.Feed;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Aggregator.Orchestration;
using ShadowAgent.Aggregator.Models;
using ShadowAgent.Aggregator.Signals;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Aggregator.Telemetry;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Aggregator.Hosting;

/// <summary>Builds the aggregator application; used by Main, the tests and the in-process demo.</summary>
public static class AggregatorHost
{
    private const int MaxBatchMessageBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Configuration, lowest to highest precedence: the JSON file named by <c>--config &lt;path&gt;</c>, environment
    /// variables prefixed SHADOW_ (SHADOW_Aggregator__GrpcListen), the command line, then whatever
    /// <paramref name="configure"/> adds. Services registered by <paramref name="configure"/> (a TimeProvider)
    /// take the place of the defaults.
    /// </summary>
    /// <exception cref="AggregatorConfigException">The configuration is invalid.</exception>
    /// <exception cref="StoreSchemaException">The database was written by a newer aggregator.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        var errors = new List<string>();

        // Lowest-precedence default: per-request framework logs only at Warning (every source can override it).
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("Logging:LogLevel:Microsoft.AspNetCore", "Warning")],
        });
        AddConfigFile(builder.Configuration, args, errors);
        builder.Configuration.AddEnvironmentVariables("SHADOW_");
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder);

        var options = new AggregatorOptions();
        try
        {
            builder.Configuration.GetSection(AggregatorOptions.Section).Bind(options);
            errors.AddRange(AggregatorOptionsValidator.Validate(options));
            errors.AddRange(OrchestratorOptionsValidator.Validate(options.Orchestrator, builder.Configuration.GetSection(OrchestratorOptions.Section)));
        }
        catch (InvalidOperationException exception)
        {
            // The binder names the key: "Failed to convert configuration value at 'Aggregator:X' to type ...".
            errors.Add(exception.Message);
        }

        if (errors.Count > 0)
        {
            throw new AggregatorConfigException(errors);
        }

        var endpoints = new ListenEndpoints();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            endpoints.GrpcOptions = Listen(kestrel, options.GrpcListen, HttpProtocols.Http2);
            endpoints.HttpOptions = Listen(kestrel, options.HttpListen, HttpProtocols.Http1);
        });

        var services = builder.Services;
        services.AddSystemd();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(endpoints);
        services.AddSingleton<AgentConnections>();
        services.AddSingleton<AggregatorMetrics>();
        services.AddSingleton(sp => new PrometheusExporter(sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton(sp => new MetadataStore(
            options.ResolvedDatabasePath(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<AggregatorMetrics>(),
            sp.GetRequiredService<ILogger<MetadataStore>>(), new SignalPolicy(options.StreamCriticality)));
        services.AddSingleton<StoreReader>();
        services.AddSingleton<ProfileFeed>();
        services.AddSingleton<IProfileFeed>(sp => sp.GetRequiredService<ProfileFeed>());
        services.AddSingleton<RetentionPruner>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionPruner>());
        services.AddOrchestration(options.Orchestrator);
        services.AddSingleton<ModelRegistry>();
        services.AddSingleton<ModelRefresh>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelRefresh>());
        services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = MaxBatchMessageBytes);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));

        var app = builder.Build();

        // The exporter listens before the first instrument exists; the store migrates now, so a bad database
        // fails the start instead of the first agent.
        app.Services.GetRequiredService<PrometheusExporter>();
        app.Services.GetRequiredService<MetadataStore>();

        app.MapGrpcService<AgentLinkService>();
        app.MapOperatorApi();
        app.MapOrchestration();
        app.MapModelApi();
        return app;
    }

    private static void AddConfigFile(IConfigurationBuilder configuration, string[] args, List<string> errors)
    {
        string? path = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config")
            {
                if (i + 1 >= args.Length)
                {
                    errors.Add("--config: a file path is required");
                    return;
                }

                path = args[i + 1];
            }
            else if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                path = args[i]["--config=".Length..];
            }
        }

        if (path is null)
        {
            return;
        }

        // Checked here because the framework's message is a bare resource key in the trimmed binary.
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            errors.Add($"--config: file '{fullPath}' not found");
            return;
        }

        try
        {
            configuration.AddJsonFile(fullPath, optional: false, reloadOnChange: false);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or FormatException)
        {
            errors.Add($"--config: {exception.Message}");
        }
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, string value, HttpProtocols protocols)
    {
        if (!ListenAddress.TryParse(value, out var parsed))
        {
            throw new InvalidOperationException($"'{value}' is not host:port"); // validated before; unreachable
        }

        var address = parsed.Value;
        ListenOptions? captured = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            captured = listen;
        }

        if (address.Address is not null)
        {
            kestrel.Listen(address.Address, address.Port, Configure);
        }
        else if (address.Host == "localhost")
        {
            kestrel.ListenLocalhost(address.Port, Configure);
        }
        else
        {
            kestrel.ListenAnyIP(address.Port, Configure);
        }

        return captured!;
    }
}
