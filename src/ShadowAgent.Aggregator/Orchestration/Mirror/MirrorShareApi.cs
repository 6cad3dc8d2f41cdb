using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ShadowAgent.Aggregator.Api;

namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>GET /api/v1/mirror-shares[?target=&amp;limit=]: every share change with its reason and the agent's result.</summary>
internal static class MirrorShareApi
{
    public static void MapMirrorShareApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/mirror-shares", (string? target, string? limit, MirrorShareStore store, Orchestrator orchestrator) =>
        {
            var count = OrchestratorApi.DefaultLimit;
            if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > OrchestratorApi.MaxLimit))
            {
                return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"limit '{limit}' must be an integer from 1 to {OrchestratorApi.MaxLimit}");
            }

            if (target is not null && !orchestrator.Targets.Exists(t => t.Name == target))
            {
                return Problem(StatusCodes.Status404NotFound, "not found", $"target '{target}' is not configured");
            }

            return TypedResults.Json(new MirrorShareList(store.List(target, count)), OrchestrationJsonContext.Default.MirrorShareList);
        });

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Json(new ApiProblem(title, status, detail), ApiJsonContext.Default.ApiProblem, "application/problem+json", status);
}
