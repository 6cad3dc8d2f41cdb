using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ShadowAgent.Aggregator.Fleet;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Aggregator.Ingest;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Aggregator.Telemetry;
using ShadowAgent.Core.Telemetry;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Api;

/// <summary>The operator's read API, /healthz and /metrics.</summary>
internal static class OperatorApi
{
    public const int DefaultProfileLimit = 100;
    public const int MaxProfileLimit = 1000;

    public static void MapOperatorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/hosts", (StoreReader reader) => TypedResults.Json(new HostList(reader.ListHosts().ConvertAll(ToHost)), ApiJsonContext.Default.HostList));
        api.MapGet("/streams", (StoreReader reader) => TypedResults.Json(new StreamList(reader.ListStreams().ConvertAll(ToStream)), ApiJsonContext.Default.StreamList));
        api.MapGet("/streams/{host}/{stream}/profiles", GetProfiles);
        api.MapGet("/signals", GetSignals);
        api.MapGet("/fleet/streams", (StoreReader reader) => TypedResults.Json(
            new FleetStreamList(reader.ListStreamNames().ConvertAll(n => new FleetStreamName(n.Name, n.Hosts, n.ProfilesTotal, n.RecordsTotal, n.LastWindowEndMs))),
            ApiJsonContext.Default.FleetStreamList));
        api.MapGet("/fleet/streams/{stream}", GetFleetStream);
        api.MapGet("/fleet/streams/{stream}/forecast", GetFleetForecast);
        app.MapGet("/healthz", (AgentConnections connections) => TypedResults.Json(new Health("ok", connections.Count), ApiJsonContext.Default.Health));
        app.MapGet("/metrics", (PrometheusExporter exporter) => TypedResults.Text(exporter.Collect(), PrometheusExporter.ContentType));
    }

    private static IResult GetSignals(string? since, string? limit, StoreReader reader)
    {
        var count = DefaultProfileLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxProfileLimit))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"limit '{limit}' must be an integer from 1 to {MaxProfileLimit}");
        }

        long sinceMs = 0;
        if (since is not null && !long.TryParse(since, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out sinceMs))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"since '{since}' must be Unix milliseconds");
        }

        var signals = reader.ListSignals(sinceMs, count).ConvertAll(s => new SignalInfo(
            s.HostId, s.Stream, s.WindowEndMs, s.Score, s.TailProbability, ((Severity)s.Severity).ToString().ToLowerInvariant(), s.Alarm,
            s.Contributors, s.StoredMs));
        return TypedResults.Json(new SignalList(signals), ApiJsonContext.Default.SignalList);
    }

    private static IResult GetProfiles(string host, string stream, string? limit, string? since, string? sketches, StoreReader reader)
    {
        var includeSketches = false;
        if (sketches is not null && !bool.TryParse(sketches, out includeSketches))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"sketches '{sketches}' must be true or false");
        }

        var count = DefaultProfileLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxProfileLimit))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"limit '{limit}' must be an integer from 1 to {MaxProfileLimit}");
        }

        long? sinceMs = null;
        if (since is not null)
        {
            if (!long.TryParse(since, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"since '{since}' must be Unix milliseconds");
            }

            sinceMs = parsed;
        }

        var row = reader.FindStream(host, stream);
        if (row is null)
        {
            return reader.HostExists(host)
                ? Problem(StatusCodes.Status404NotFound, "not found", $"host '{host}' has no stream '{stream}'")
                : Problem(StatusCodes.Status404NotFound, "not found", $"unknown host '{host}'");
        }

        var profiles = reader.ListProfiles(row.StreamId, count, sinceMs).ConvertAll(p => ProfileMapper.ToProfile(p, includeSketches));
        return TypedResults.Json(new ProfileList(host, stream, profiles), ApiJsonContext.Default.ProfileList);
    }

    private static IResult GetFleetForecast(string stream, string? horizon, string? level, string? history, StoreReader reader)
    {
        var steps = 6;
        if (horizon is not null && (!int.TryParse(horizon, NumberStyles.None, CultureInfo.InvariantCulture, out steps) || steps < 1 || steps > 1000))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"horizon '{horizon}' must be an integer from 1 to 1000");
        }

        var coverage = 0.95;
        if (level is not null && (!double.TryParse(level, NumberStyles.Float, CultureInfo.InvariantCulture, out coverage) || !(coverage > 0 && coverage < 1)))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"level '{level}' must be a number in (0, 1)");
        }

        var windows = 2016;
        if (history is not null && (!int.TryParse(history, NumberStyles.None, CultureInfo.InvariantCulture, out windows) || windows < FleetForecast.MinHistory || windows > 4096))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", $"history '{history}' must be an integer from {FleetForecast.MinHistory} to 4096");
        }

        if (reader.FindStreamsByName(stream).Count == 0)
        {
            return Problem(StatusCodes.Status404NotFound, "not found", $"no host has a stream '{stream}'");
        }

        var result = FleetForecast.Compute(reader.FleetVolumeSeries(stream, windows), steps, coverage);
        if (result is null)
        {
            return Problem(StatusCodes.Status409Conflict, "not enough history", $"stream '{stream}' has fewer than {FleetForecast.MinHistory} whole windows stored");
        }

        var points = new List<FleetForecastPoint>(result.Points.Length);
        for (var h = 0; h < result.Points.Length; h++)
        {
            var p = result.Points[h];
            points.Add(new FleetForecastPoint(result.LastWindowEndMs + ((h + 1) * result.StepMs), p.Value, p.Lower, p.Upper));
        }

        return TypedResults.Json(
            new FleetForecastInfo(stream, result.Model, result.Period, result.StepMs, coverage, result.LastWindowEndMs, result.HistoryWindows, points),
            ApiJsonContext.Default.FleetForecastInfo);
    }

    private static IResult GetFleetStream(
        string stream, string? from, string? to, string? hosts, string? k, string? sketches, StoreReader reader, AggregatorOptions options,
        AggregatorMetrics metrics, TimeProvider time)
    {
        if (!FleetQuery.TryParse(from, to, hosts, k, sketches, time.GetUtcNow().ToUnixTimeMilliseconds(), out var query, out var error))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad query parameter", error);
        }

        var streams = reader.FindStreamsByName(stream);
        if (streams.Count == 0)
        {
            return Problem(StatusCodes.Status404NotFound, "not found", $"no host has a stream '{stream}'");
        }

        if (query.Hosts is { } wanted)
        {
            var byHost = streams.ToDictionary(s => s.HostId, StringComparer.Ordinal);
            var missing = wanted.FirstOrDefault(h => !byHost.ContainsKey(h));
            if (missing is not null)
            {
                return Problem(StatusCodes.Status404NotFound, "not found", $"host '{missing}' has no stream '{stream}'");
            }

            streams = wanted.Select(h => byHost[h]).ToList();
        }

        // One row more than the cap tells whether the range held more than was merged.
        var max = options.FleetMaxProfiles;
        var keys = reader.ListProfileKeysInRange(streams.ConvertAll(s => s.StreamId), query.FromMs, query.ToMs, max + 1);
        var truncated = keys.Count > max;
        if (truncated)
        {
            keys.RemoveAt(keys.Count - 1);
        }

        FleetMerge.SortForMerge(keys);
        var summary = FleetMerge.Run(stream, query, keys, reader.ReadPayloads(keys.Select(r => r.ProfileId)), truncated, max,
            kind => metrics.SketchesUndecodable.Add(1, new KeyValuePair<string, object?>("sketch", kind)));
        return TypedResults.Json(summary, ApiJsonContext.Default.FleetStreamSummary);
    }

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Json(new ApiProblem(title, status, detail), ApiJsonContext.Default.ApiProblem, "application/problem+json", status);

    private static HostInfo ToHost(HostRow h) => new(
        h.HostId, h.HostName, h.AgentVersion, h.ProtocolVersion, h.Connected, h.FirstSeenMs, h.LastSeenMs, h.Capabilities,
        new HostResourcesInfo(h.LogicalCpus, h.MemoryBytes, h.Os, h.Kernel, h.Architecture, h.CgroupMode),
        h.StreamCount, h.ProfilesTotal, h.RecordsTotal);

    private static StreamInfo ToStream(StreamRow s) => new(
        s.HostId, s.Name, s.Tap, s.Address, s.Format, s.KeyFields, s.NumericFields, s.WindowMs, s.HopMs, s.EventTimeField,
        s.AllowedLatenessMs, new StreamSamplingInfo(ProtoNames.Of((SamplingMode)s.SamplingMode), s.SamplingRate, s.SamplingKeyField),
        s.LastWindowEndMs,
        new StreamTotals(s.ProfilesTotal, s.RecordsTotal, s.BytesTotal, s.ParsedTotal, s.ErrorsTotal, s.DroppedRecordsTotal));
}
