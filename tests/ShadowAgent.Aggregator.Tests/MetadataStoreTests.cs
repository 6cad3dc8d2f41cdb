using Microsoft.Data.Sqlite;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Aggregator.Store;

namespace ShadowAgent.Aggregator.Tests;

public sealed class MetadataStoreTests
{
    [Fact]
    public async Task Start_EmptyDatabase_AppliesEveryMigration()
    {
        await using var aggregator = await TestAggregator.StartAsync();
        using var connection = SqliteDb.Open(aggregator.DatabasePath);
        Assert.Equal(Migrations.LatestVersion, Migrations.CurrentVersion(connection));
        using var tables = connection.CreateCommand();
        tables.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)";
        Assert.Equal("agent_sessions,commands,decisions,hosts,mirror_share_changes,model_results,models,profiles,schema_migrations,signals,streams,target_learning", tables.ExecuteScalar());
        using var journal = connection.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", journal.ExecuteScalar());
    }

    [Fact]
    public async Task Start_ExistingDatabase_ReopensWithoutReapplying()
    {
        var directory = TestAggregator.NewDirectory();
        await using (await TestAggregator.StartAsync(directory))
        {
        }

        await using var again = await TestAggregator.StartAsync(directory);
        using var connection = SqliteDb.Open(again.DatabasePath);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM schema_migrations";
        Assert.Equal((long)Migrations.All.Count, count.ExecuteScalar());
    }

    [Fact]
    public async Task Start_Version1Database_MigratesStreamsKeepingTotals()
    {
        var directory = TestAggregator.NewDirectory();
        using (var connection = SqliteDb.Open(Path.Combine(directory, "shadow.db")))
        {
            using var setup = connection.CreateCommand();
            setup.CommandText = $"""
                CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
                {Migrations.All[0].Sql}
                INSERT INTO schema_migrations VALUES (1, '{Migrations.All[0].Name}', 0);
                INSERT INTO hosts VALUES ('host-a', 'a', '0.1', 1, '', 1, 1, 'linux', '', 'x64', 'v2', 0, 1, 0, 0);
                INSERT INTO streams (host_id, name, window_ms, profiles_total, records_total) VALUES ('host-a', 'orders', 10000, 3, 60);
                """;
            setup.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        await using var aggregator = await TestAggregator.StartAsync(directory);

        var stream = Assert.Single(aggregator.Get<StoreReader>().ListStreams());
        Assert.Equal((60L, 0, "", 0, 0.0, ""), (stream.RecordsTotal, stream.HopMs, stream.EventTimeField, stream.SamplingMode, stream.SamplingRate, stream.SamplingKeyField));
        using var check = SqliteDb.Open(aggregator.DatabasePath);
        Assert.Equal(Migrations.LatestVersion, Migrations.CurrentVersion(check));
    }

    [Fact]
    public async Task Build_NewerSchemaVersion_Refused()
    {
        var directory = TestAggregator.NewDirectory();
        await using (await TestAggregator.StartAsync(directory))
        {
        }

        using (var connection = SqliteDb.Open(Path.Combine(directory, "shadow.db")))
        using (var bump = connection.CreateCommand())
        {
            bump.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)";
            bump.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var error = Assert.Throws<StoreSchemaException>(() => AggregatorHost.Build(TestAggregator.Args(directory)));
        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pruner_HourlyTimerPastRetention_DeletesOldProfilesOnly()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Agents.T0));
        await using var aggregator = await TestAggregator.StartAsync(time: clock);
        var (call, _) = await aggregator.ConnectAsync(Agents.Hello());
        using (call)
        {
            // Window 0 ends at T0+10s, window 20000 about 2.3 days later.
            await Agents.SendBatchAsync(call, 1, Agents.Profile(0), Agents.Profile(20_000));
            await Agents.CloseAsync(call);
        }

        var pruner = aggregator.Get<RetentionPruner>();
        Assert.Equal(0, await pruner.PruneOnceAsync(CancellationToken.None));

        // Eight days on, the pruner's hourly timer is due and its run removes the profile past retention.
        var reader = aggregator.Get<StoreReader>();
        var stream = Assert.Single(reader.ListStreams());
        clock.Advance(TimeSpan.FromDays(8));
        await Eventually.Until(() => reader.ListProfiles(stream.StreamId, 10, null).Count == 1, "the timer-driven prune ran");
        Assert.Equal(0, await pruner.PruneOnceAsync(CancellationToken.None));
        var left = Assert.Single(reader.ListProfiles(stream.StreamId, 10, null));
        Assert.Equal(Agents.T0 + (20_000 * 10_000L), left.WindowStartMs);
    }
}
