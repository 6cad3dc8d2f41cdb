using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ShadowAgent.Aggregator.Api;

namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>GET /api/v1/decisions and GET /api/v1/targets.</summary>
internal static class OrchestratorApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void MapOrchestratorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/decisions", GetDecisions);
        api.MapGet("/targets", (Orchestrator orchestrator) => TypedResults.Json(
            new TargetList(orchestrator.Enabled, orchestrator.Targets.ConvertAll(t => ToInfo(t, orchestrator))),
            OrchestrationJsonContext.Default.TargetList));
    }

    private static IResult GetDecisions(string? target, string? limit, OrchestratorStore store, Orchestrator orchestrator)
    {
        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxLimit))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"limit '{limit}' must be an integer from 1 to {MaxLimit}");
        }

        if (target is not null && !orchestrator.Targets.Exists(t => t.Name == target))
        {
            return Problem(StatusCodes.Status404NotFound, "not found", $"target '{target}' is not configured");
        }

        return TypedResults.Json(new DecisionList(store.ListDecisions(target, count)), OrchestrationJsonContext.Default.DecisionList);
    }

    private static TargetInfo ToInfo(TargetRuntime t, Orchestrator orchestrator)
    {
        lock (t.Gate)
        {
            var o = t.Options;
            var inputs = t.Snapshot();
            var l = t.Learned;
            return new TargetInfo(
                t.Name, o.Host, o.Target, o.ResourceStream, o.WorkloadStreams, o.SloStream, o.Criticality, o.DryRun,
                orchestrator.Connections.TryGet(o.Host, out _), t.CpuCores, t.MemoryBytes, o.MinCpuCores, o.MaxCpuCores,
                t.CpuUtilization, t.ThrottledRatio, t.CpuPressure, inputs.WorkloadRate, inputs.ForecastPeakRate, inputs.Forecaster,
                o.SloStream.Length > 0 ? t.SloValue : t.Workloads.Values.Max(w => w.SloValue),
                t.LastUpMs, t.LastDownMs, inputs.ActionsLastHour, t.LowWindows,
                new LearnedInfo(l.HighFactor, l.Headroom, l.UtilizationHigh, l.UtilizationLow, l.RecordsPerCoreSecond, l.Adaptations,
                    t.Scores.Scores.ToDictionary(p => p.Key, p => new ForecasterErrorInfo(p.Value.Error, p.Value.Samples))));
        }
    }

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Json(new ApiProblem(title, status, detail), ApiJsonContext.Default.ApiProblem, "application/problem+json", status);
}
