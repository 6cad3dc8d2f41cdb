using System.Net;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using ShadowAgent.Aggregator.Models;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Models.Training;

namespace ShadowAgent.Aggregator.Tests;

/// <summary>Models trained from stored profiles: migration 4, versions per stream and kind, the model API.</summary>
public sealed class ModelRegistryTests
{
    [Fact]
    public async Task Start_Version3Database_AddsModelTablesKeepingProfiles()
    {
        var directory = TestAggregator.NewDirectory();
        using (var connection = SqliteDb.Open(Path.Combine(directory, "shadow.db")))
        {
            using var setup = connection.CreateCommand();
            setup.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);" +
                string.Concat(Migrations.All.Where(m => m.Version <= 3).Select(m => $"{m.Sql}; INSERT INTO schema_migrations VALUES ({m.Version}, 'v{m.Version}', 0);")) +
                $$"""
                INSERT INTO hosts VALUES ('host-a', 'a', '0.1', 1, '', 1, 1, 'linux', '', 'x64', 'v2', 0, 1, 0, 0);
                INSERT INTO streams (host_id, name, window_ms, profiles_total, records_total) VALUES ('host-a', 'orders', 10000, 1, 60);
                INSERT INTO profiles (stream_id, session_epoch, window_start_ms, window_end_ms, partial, records, bytes, parsed, errors,
                                      dropped_records, rate, payload) VALUES (1, 1, {{Agents.T0}}, {{Agents.T0 + 10_000}}, 0, 60, 600, 60, 0, 0, 6, x'0a');
                """;
            setup.ExecuteNonQuery();
        }

        // The clock is the test default (an hour after the window), so the pruner that runs at start keeps the profile.
        SqliteConnection.ClearAllPools();
        await using var aggregator = await TestAggregator.StartAsync(directory);

        using var check = SqliteDb.Open(aggregator.DatabasePath);
        Assert.Equal(Migrations.LatestVersion, Migrations.CurrentVersion(check)); // every migration after 3 applied, 4 (models) among them
        Assert.Equal(1L, aggregator.Get<StoreReader>().CountProfiles());
        using var columns = check.CreateCommand();
        columns.CommandText = "SELECT group_concat(name, ',') FROM pragma_table_info('models')";
        Assert.Equal("model_id,stream,kind,version,precision,features,threshold,sha256,size_bytes,onnx,trained_at_ms,rows,hosts," +
            "data_through_ms,training_ms,flagged_share", columns.ExecuteScalar());
        Assert.Empty(aggregator.Get<ModelRegistry>().List(null));
    }

    [Fact]
    public async Task Retrain_EnoughProfiles_StoresBothKindsWithIncreasingVersions()
    {
        await using var aggregator = await TestAggregator.StartAsync(extra: ModelTestData.FastTraining);
        var call = await ModelTestData.StoreAsync(aggregator, Agents.Hello(), 0, 30);

        var first = await ModelTestData.RetrainAsync(aggregator, "?stream=orders");
        var outcome = Assert.Single(first.GetProperty("streams").EnumerateArray());
        Assert.Equal("trained", outcome.GetProperty("status").GetString());
        Assert.Equal(30, outcome.GetProperty("rows").GetInt32());
        Assert.Equal(
            [("autoencoder", 1L), ("isolation-forest", 1L)],
            outcome.GetProperty("models").EnumerateArray().Select(m => (m.GetProperty("kind").GetString(), m.GetProperty("version").GetInt64())).Order());

        await Agents.SendBatchAsync(call, 2, ModelTestData.Profiles(30, 5));
        await ModelTestData.RetrainAsync(aggregator, "?stream=orders");
        await ModelTestData.RetrainAsync(aggregator, "");

        var list = await aggregator.GetJsonAsync("/api/v1/models?stream=orders");
        var models = list.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(6, models.Count);
        foreach (var kind in new[] { "autoencoder", "isolation-forest" })
        {
            Assert.Equal([3L, 2L, 1L], models.Where(m => m.GetProperty("kind").GetString() == kind).Select(m => m.GetProperty("version").GetInt64()));
        }

        var newest = models[0];
        Assert.Equal(35, newest.GetProperty("rows").GetInt32());
        Assert.Equal(1, newest.GetProperty("hosts").GetInt32());
        Assert.Equal(Agents.T0 + (35 * 10_000), newest.GetProperty("dataThroughUnixMs").GetInt64());
        Assert.InRange(newest.GetProperty("flaggedShare").GetDouble(), 0, 0.5);
        Assert.True(newest.GetProperty("trainingMs").GetDouble() > 0);
        Assert.False(newest.TryGetProperty("onnx", out _));

        // The bytes: what the list says, and a ShadowAgent model of that kind, version and stream features.
        using var response = await aggregator.Http.GetAsync(new Uri($"/api/v1/models/{newest.GetProperty("id").GetInt64()}/onnx", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var onnx = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(newest.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(onnx)));
        Assert.Equal(newest.GetProperty("sizeBytes").GetInt32(), onnx.Length);
        var info = ModelArtifact.Read(onnx).Info;
        Assert.Equal((newest.GetProperty("kind").GetString(), 3L), (ModelKindNames.Name(info.Kind), info.Version));
        Assert.Equal(new StoredProfileFeatures(["latency_ms"], ["user"]).Names, info.Features);
        await Agents.CloseAsync(call);
    }

    [Fact]
    public async Task Retrain_KeepVersions_DeletesOlderVersions()
    {
        await using var aggregator = await TestAggregator.StartAsync(extra: [.. ModelTestData.FastTraining, "--Aggregator:Models:KeepVersions=2"]);
        var call = await ModelTestData.StoreAsync(aggregator, Agents.Hello(), 0, 25);
        for (var i = 0; i < 4; i++)
        {
            await ModelTestData.RetrainAsync(aggregator, "?stream=orders");
        }

        var versions = aggregator.Get<ModelRegistry>().List("orders").Select(m => (m.Kind, m.Version)).ToList();
        Assert.Equal([("autoencoder", 4L), ("autoencoder", 3L), ("isolation-forest", 4L), ("isolation-forest", 3L)], versions);
        await Agents.CloseAsync(call);
    }

    [Fact]
    public async Task Retrain_BadRequests_AnswerWithTheReason()
    {
        await using var aggregator = await TestAggregator.StartAsync(extra: ModelTestData.FastTraining);
        var call = await ModelTestData.StoreAsync(aggregator, Agents.Hello(), 0, 10);

        var few = await ModelTestData.RetrainAsync(aggregator, "?stream=orders", HttpStatusCode.Conflict);
        Assert.StartsWith("10 whole windows stored; Aggregator:Models:MinProfiles is 20", few.GetProperty("detail").GetString());
        var unknown = await ModelTestData.RetrainAsync(aggregator, "?stream=nope", HttpStatusCode.NotFound);
        Assert.Contains("'nope'", unknown.GetProperty("detail").GetString());
        await aggregator.GetJsonAsync("/api/v1/models/abc/onnx", HttpStatusCode.BadRequest);
        await aggregator.GetJsonAsync("/api/v1/models/99/onnx", HttpStatusCode.NotFound);
        Assert.Empty(aggregator.Get<ModelRegistry>().List(null));
        await Agents.CloseAsync(call);
    }

    [Fact]
    public async Task Build_BadModelOptions_NameTheKey()
    {
        var error = await Assert.ThrowsAsync<ShadowAgent.Aggregator.Hosting.AggregatorConfigException>(() =>
            TestAggregator.StartAsync(extra: ["--Aggregator:Models:MinProfiles=2", "--Aggregator:Models:RefreshInterval=00:00:00.5"]));
        Assert.Contains(error.Errors, e => e.StartsWith("Aggregator:Models:MinProfiles: '2'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Aggregator:Models:RefreshInterval: '00:00:00.5000000'", StringComparison.Ordinal));
    }
}
