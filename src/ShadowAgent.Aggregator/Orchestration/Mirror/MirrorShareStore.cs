using Microsoft.Data.Sqlite;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>The mirror_share_changes table (migration 6): writes through the store's single writer, reads on their own connection.</summary>
internal sealed class MirrorShareStore(MetadataStore store)
{
    public Task RecordChangeAsync(string target, string host, string stream, long windowEndMs, long decidedMs, ShareChange change, string commandId, bool sent, CancellationToken cancellationToken) =>
        store.WriteAsync((connection, transaction) =>
        {
            // A result that overtook this write already made the row: fill in the decision, keep the result.
            using var upsert = Command(connection, transaction, """
                INSERT INTO mirror_share_changes (command_id, target, host_id, stream, window_end_ms, decided_ms, direction, from_share, to_share, reason, sent)
                VALUES ($id, $target, $host, $stream, $end, $decided, $direction, $from, $to, $reason, $sent)
                ON CONFLICT (command_id) DO UPDATE SET target = excluded.target, window_end_ms = excluded.window_end_ms,
                    decided_ms = excluded.decided_ms, direction = excluded.direction, from_share = excluded.from_share,
                    to_share = excluded.to_share, reason = excluded.reason, sent = excluded.sent
                """);
            Add(upsert, "$id", commandId);
            Add(upsert, "$target", target);
            Add(upsert, "$host", host);
            Add(upsert, "$stream", stream);
            Add(upsert, "$end", windowEndMs);
            Add(upsert, "$decided", decidedMs);
            Add(upsert, "$direction", change.Direction);
            Add(upsert, "$from", change.FromShare);
            Add(upsert, "$to", change.ToShare);
            Add(upsert, "$reason", change.Reason);
            Add(upsert, "$sent", sent ? 1L : 0L);
            upsert.ExecuteNonQuery();
            return 0;
        }, cancellationToken);

    /// <summary>Stores an agent's MirrorShareResult (also for a command this aggregator has no record of).</summary>
    public Task RecordResultAsync(string hostId, MirrorShareResult result, long nowMs, CancellationToken cancellationToken) =>
        store.WriteAsync((connection, transaction) =>
        {
            using var upsert = Command(connection, transaction, """
                INSERT INTO mirror_share_changes (command_id, host_id, stream, applied, share_in_force, message, result_ms)
                VALUES ($id, $host, $stream, $applied, $share, $message, $now)
                ON CONFLICT (command_id) DO UPDATE SET applied = excluded.applied, share_in_force = excluded.share_in_force,
                    message = excluded.message, result_ms = excluded.result_ms
                """);
            Add(upsert, "$id", result.CommandId);
            Add(upsert, "$host", hostId);
            Add(upsert, "$stream", result.Stream);
            Add(upsert, "$applied", result.Applied ? 1L : 0L);
            Add(upsert, "$share", result.ShareInForce);
            Add(upsert, "$message", result.Message);
            Add(upsert, "$now", nowMs);
            upsert.ExecuteNonQuery();
            return 0;
        }, cancellationToken);

    public List<MirrorShareInfo> List(string? target, int limit)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT command_id, target, host_id, stream, window_end_ms, decided_ms, direction, from_share, to_share, reason, sent,
                   applied, share_in_force, message, result_ms
            FROM mirror_share_changes
            WHERE $target IS NULL OR target = $target
            ORDER BY decided_ms DESC, command_id DESC LIMIT $limit
            """;
        query.Parameters.AddWithValue("$target", (object?)target ?? DBNull.Value);
        query.Parameters.AddWithValue("$limit", limit);
        using var r = query.ExecuteReader();
        var rows = new List<MirrorShareInfo>();
        while (r.Read())
        {
            rows.Add(new MirrorShareInfo(
                r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), r.GetString(6),
                NullableDouble(r, 7), NullableDouble(r, 8), r.GetString(9), r.GetInt64(10) != 0,
                r.IsDBNull(11) ? null : r.GetInt64(11) != 0, NullableDouble(r, 12), r.IsDBNull(13) ? null : r.GetString(13),
                r.IsDBNull(14) ? null : r.GetInt64(14)));
        }

        return rows;
    }

    private static double? NullableDouble(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Add(SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
}
