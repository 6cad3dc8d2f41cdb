using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Aggregator.Keda;

namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>Registers the orchestrator, its store and API, and the KEDA external scaler.</summary>
internal static class OrchestrationServices
{
    public static IServiceCollection AddOrchestration(this IServiceCollection services, OrchestratorOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<OrchestratorStore>();
        services.AddSingleton<OrchestratorMetrics>();
        services.AddSingleton<Mirror.MirrorShareStore>();
        services.AddSingleton<Mirror.MirrorShareController>();
        services.AddSingleton<IMirrorShareResultHandler>(sp => sp.GetRequiredService<Mirror.MirrorShareController>());
        services.AddSingleton<Orchestrator>();
        // Registered whether or not the orchestrator is enabled: every CommandResult an agent sends is recorded.
        services.AddSingleton<ICommandResultHandler>(sp => sp.GetRequiredService<Orchestrator>());
        services.AddHostedService(sp => sp.GetRequiredService<Orchestrator>());
        services.AddSingleton<PredictedVolume>();
        return services;
    }

    public static WebApplication MapOrchestration(this WebApplication app)
    {
        app.MapGrpcService<KedaExternalScaler>();
        app.MapOrchestratorApi();
        Mirror.MirrorShareApi.MapMirrorShareApi(app);
        return app;
    }
}
