using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ShadowAgent.Aggregator.Models;

namespace ShadowAgent.Aggregator.Api;

/// <summary>The model registry's API: versions, their bytes, and retraining on request.</summary>
internal static class ModelApi
{
    public static void MapModelApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/models");
        api.MapGet("", (string? stream, ModelRegistry registry) =>
            TypedResults.Json(new ModelList(ToInfo(registry, registry.List(stream))), ModelJsonContext.Default.ModelList));
        api.MapGet("/{id}/onnx", GetOnnx);
        api.MapPost("/retrain", RetrainAsync);
    }

    private static IResult GetOnnx(string id, ModelRegistry registry)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var modelId))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad path parameter", $"id '{id}' must be a model id (an integer)");
        }

        return registry.ReadOnnx(modelId) is { } onnx
            ? TypedResults.Bytes(onnx, "application/octet-stream", $"model-{modelId}.onnx")
            : Problem(StatusCodes.Status404NotFound, "not found", $"no model {modelId}");
    }

    /// <summary>Trains now, even without new windows: one stream (404 unknown, 409 too few windows) or every stream.</summary>
    private static async Task<IResult> RetrainAsync(string? stream, ModelRefresh refresh, ModelRegistry registry, CancellationToken cancellationToken)
    {
        if (stream is not null && stream.Length == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", "stream must not be empty");
        }

        List<RetrainOutcome> outcomes;
        try
        {
            outcomes = stream is null
                ? await refresh.RetrainAllAsync(force: true, cancellationToken)
                : [await refresh.RetrainAsync(stream, force: true, cancellationToken)];
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A history the trainer cannot use, or no ONNX Runtime to check the exported file with: said, not hidden
            // behind a bare 500.
            return Problem(StatusCodes.Status500InternalServerError, "training failed", $"stream '{stream}': {exception.Message}");
        }

        if (stream is not null)
        {
            var outcome = outcomes[0];
            if (outcome.Status == RetrainOutcome.UnknownStream)
            {
                return Problem(StatusCodes.Status404NotFound, "not found", outcome.Detail ?? "");
            }

            if (outcome.Status == RetrainOutcome.NotEnoughProfiles)
            {
                return Problem(StatusCodes.Status409Conflict, "not enough history", outcome.Detail ?? "");
            }
        }

        var list = outcomes.ConvertAll(o => new RetrainInfo(o.Stream, o.Status, o.Rows, o.Shipped, o.Detail, ToInfo(registry, o.Models)));
        return TypedResults.Json(new RetrainList(list), ModelJsonContext.Default.RetrainList);
    }

    private static List<ModelVersionInfo> ToInfo(ModelRegistry registry, IReadOnlyList<ModelRow> models)
    {
        var results = registry.Results([.. models.Select(m => m.ModelId)]).ToLookup(r => r.ModelId);
        return [.. models.Select(m => new ModelVersionInfo(
            m.ModelId, m.Stream, m.Kind, m.Version, m.Precision, m.Features, m.Threshold, m.Sha256, m.SizeBytes, m.TrainedAtMs, m.Rows,
            m.Hosts, m.DataThroughMs, m.TrainingMs, m.FlaggedShare,
            [.. results[m.ModelId].Select(r => new ModelResultInfo(r.HostId, r.Version, r.Loaded, r.Message, r.ReceivedMs))]))];
    }

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Json(new ApiProblem(title, status, detail), ApiJsonContext.Default.ApiProblem, "application/problem+json", status);
}
