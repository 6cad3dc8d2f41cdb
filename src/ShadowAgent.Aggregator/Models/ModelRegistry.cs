using System.Globalization;
using Microsoft.Data.Sqlite;
using ShadowAgent.Aggregator.Store;

namespace ShadowAgent.Aggregator.Models;

/// <summary>
/// The models table (migration 4): every trained version per (stream, kind) with its bytes, and each agent's answer to
/// each model. Writes go through the store's single writer (<see cref="MetadataStore.WriteAsync"/>); reads open their
/// own pooled connections like <see cref="StoreReader"/>.
/// </summary>
internal sealed class ModelRegistry(MetadataStore store, TimeProvider time)
{
    private const string Columns = """
        model_id, stream, kind, version, precision, features, threshold, sha256, size_bytes, trained_at_ms, rows, hosts,
        data_through_ms, training_ms, flagged_share
        """;

    /// <summary>The next version of (stream, kind): one more than the newest stored, 1 for the first.</summary>
    public long NextVersion(string stream, string kind)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT COALESCE(MAX(version), 0) + 1 FROM models WHERE stream = $stream AND kind = $kind";
        query.Parameters.AddWithValue("$stream", stream);
        query.Parameters.AddWithValue("$kind", kind);
        return (long)query.ExecuteScalar()!;
    }

    /// <summary>Stores the models of one training in one transaction and deletes versions beyond the newest
    /// <paramref name="keepVersions"/> of each (stream, kind). Returns them with their ids.</summary>
    /// <exception cref="InvalidOperationException">A version is not newer than the newest stored (two trainings raced).</exception>
    public Task<List<ModelRow>> AddAsync(IReadOnlyList<NewModel> models, int keepVersions, CancellationToken cancellationToken) =>
        store.WriteAsync((connection, transaction) =>
        {
            var rows = new List<ModelRow>(models.Count);
            foreach (var m in models)
            {
                using (var newest = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM models WHERE stream = $stream AND kind = $kind"))
                {
                    newest.Parameters.AddWithValue("$stream", m.Stream);
                    newest.Parameters.AddWithValue("$kind", m.Kind);
                    if ((long)newest.ExecuteScalar()! >= m.Version)
                    {
                        throw new InvalidOperationException($"model {m.Stream}/{m.Kind} version {m.Version} is not newer than the newest stored");
                    }
                }

                using var insert = Command(connection, transaction, """
                    INSERT INTO models (stream, kind, version, precision, features, threshold, sha256, size_bytes, onnx, trained_at_ms,
                                        rows, hosts, data_through_ms, training_ms, flagged_share)
                    VALUES ($stream, $kind, $version, $precision, $features, $threshold, $sha, $size, $onnx, $trainedAt,
                            $rows, $hosts, $through, $trainingMs, $flagged)
                    RETURNING model_id
                    """);
                insert.Parameters.AddWithValue("$stream", m.Stream);
                insert.Parameters.AddWithValue("$kind", m.Kind);
                insert.Parameters.AddWithValue("$version", m.Version);
                insert.Parameters.AddWithValue("$precision", m.Precision);
                insert.Parameters.AddWithValue("$features", string.Join(',', m.Features));
                insert.Parameters.AddWithValue("$threshold", m.Threshold);
                insert.Parameters.AddWithValue("$sha", m.Sha256);
                insert.Parameters.AddWithValue("$size", m.Onnx.Length);
                insert.Parameters.AddWithValue("$onnx", m.Onnx);
                insert.Parameters.AddWithValue("$trainedAt", m.TrainedAtMs);
                insert.Parameters.AddWithValue("$rows", m.Rows);
                insert.Parameters.AddWithValue("$hosts", m.Hosts);
                insert.Parameters.AddWithValue("$through", m.DataThroughMs);
                insert.Parameters.AddWithValue("$trainingMs", m.TrainingMs);
                insert.Parameters.AddWithValue("$flagged", m.FlaggedShare);
                var id = (long)insert.ExecuteScalar()!;

                using (var prune = Command(connection, transaction, """
                    DELETE FROM model_results WHERE model_id IN
                        (SELECT model_id FROM models WHERE stream = $stream AND kind = $kind AND version <= $version - $keep);
                    DELETE FROM models WHERE stream = $stream AND kind = $kind AND version <= $version - $keep;
                    """))
                {
                    prune.Parameters.AddWithValue("$stream", m.Stream);
                    prune.Parameters.AddWithValue("$kind", m.Kind);
                    prune.Parameters.AddWithValue("$version", m.Version);
                    prune.Parameters.AddWithValue("$keep", keepVersions);
                    prune.ExecuteNonQuery();
                }

                rows.Add(new ModelRow(id, m.Stream, m.Kind, m.Version, m.Precision, [.. m.Features], m.Threshold, m.Sha256, m.Onnx.Length,
                    m.TrainedAtMs, m.Rows, m.Hosts, m.DataThroughMs, m.TrainingMs, m.FlaggedShare));
            }

            return rows;
        }, cancellationToken);

    /// <summary>Keeps an agent's answer to a model (the latest answer per agent and model); false when the model is
    /// not in the registry (pruned, or an id this aggregator never issued).</summary>
    public Task<bool> RecordResultAsync(string hostId, string modelId, long version, bool loaded, string message, CancellationToken cancellationToken)
    {
        if (!long.TryParse(modelId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Task.FromResult(false);
        }

        return store.WriteAsync((connection, transaction) =>
        {
            using var upsert = Command(connection, transaction, """
                INSERT INTO model_results (host_id, model_id, version, loaded, message, received_ms)
                SELECT $host, model_id, $version, $loaded, $message, $now FROM models WHERE model_id = $id
                ON CONFLICT (host_id, model_id) DO UPDATE SET version = excluded.version, loaded = excluded.loaded,
                    message = excluded.message, received_ms = excluded.received_ms
                """);
            upsert.Parameters.AddWithValue("$host", hostId);
            upsert.Parameters.AddWithValue("$id", id);
            upsert.Parameters.AddWithValue("$version", version);
            upsert.Parameters.AddWithValue("$loaded", loaded ? 1L : 0L);
            upsert.Parameters.AddWithValue("$message", message);
            upsert.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
            return upsert.ExecuteNonQuery() > 0;
        }, cancellationToken);
    }

    /// <summary>Stored versions, newest first; of one stream when <paramref name="stream"/> is given.</summary>
    public List<ModelRow> List(string? stream)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {Columns} FROM models WHERE $stream IS NULL OR stream = $stream ORDER BY stream, kind, version DESC";
        query.Parameters.AddWithValue("$stream", (object?)stream ?? DBNull.Value);
        return Read(query);
    }

    /// <summary>The newest version of each kind of the stream.</summary>
    public List<ModelRow> Latest(string stream)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = $"""
            SELECT {Columns} FROM models m WHERE stream = $stream
            AND version = (SELECT MAX(version) FROM models n WHERE n.stream = m.stream AND n.kind = m.kind)
            ORDER BY kind
            """;
        query.Parameters.AddWithValue("$stream", stream);
        return Read(query);
    }

    public ModelRow? Find(long modelId)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {Columns} FROM models WHERE model_id = $id";
        query.Parameters.AddWithValue("$id", modelId);
        var rows = Read(query);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The ONNX bytes of a model; null when there is no such model.</summary>
    public byte[]? ReadOnnx(long modelId)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT onnx FROM models WHERE model_id = $id";
        query.Parameters.AddWithValue("$id", modelId);
        return query.ExecuteScalar() as byte[];
    }

    /// <summary>Every agent's latest answer to the given models.</summary>
    public List<ModelResultRow> Results(IReadOnlyCollection<long> modelIds)
    {
        var rows = new List<ModelResultRow>();
        if (modelIds.Count == 0)
        {
            return rows;
        }

        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = $"""
            SELECT host_id, model_id, version, loaded, message, received_ms FROM model_results
            WHERE model_id IN ({string.Join(',', modelIds.Select(id => id.ToString(CultureInfo.InvariantCulture)))})
            ORDER BY model_id, host_id
            """;
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new ModelResultRow(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3) != 0, reader.GetString(4), reader.GetInt64(5)));
        }

        return rows;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static List<ModelRow> Read(SqliteCommand query)
    {
        using var reader = query.ExecuteReader();
        var rows = new List<ModelRow>();
        while (reader.Read())
        {
            rows.Add(new ModelRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5).Split(','), reader.GetDouble(6), reader.GetString(7), reader.GetInt32(8), reader.GetInt64(9),
                reader.GetInt32(10), reader.GetInt32(11), reader.GetInt64(12), reader.GetDouble(13), reader.GetDouble(14)));
        }

        return rows;
    }
}
