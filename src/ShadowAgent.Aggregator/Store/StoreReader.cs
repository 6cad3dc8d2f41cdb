using Microsoft.Data.Sqlite;

namespace ShadowAgent.Aggregator.Store;

/// <summary>Read queries for the operator API; each call uses its own pooled connection, never the writer's.</summary>
internal sealed class StoreReader(MetadataStore store)
{
    private const string StreamColumns = """
        stream_id, host_id, name, tap, address, format, key_fields, numeric_fields, window_ms, last_window_end_ms,
        profiles_total, records_total, bytes_total, parsed_total, errors_total, dropped_records_total,
        hop_ms, event_time_field, allowed_lateness_ms, sampling_mode, sampling_rate, sampling_key_field
        """;

    public List<HostRow> ListHosts()
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT h.host_id, h.host_name, h.agent_version, h.protocol_version, h.capabilities, h.logical_cpus, h.memory_bytes,
                   h.os, h.kernel, h.architecture, h.cgroup_mode, h.connected, h.first_seen_ms, h.last_seen_ms,
                   COUNT(s.stream_id), COALESCE(SUM(s.profiles_total), 0), COALESCE(SUM(s.records_total), 0)
            FROM hosts h LEFT JOIN streams s ON s.host_id = h.host_id
            GROUP BY h.host_id ORDER BY h.host_id
            """;
        using var reader = query.ExecuteReader();
        var rows = new List<HostRow>();
        while (reader.Read())
        {
            rows.Add(new HostRow(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), SplitList(reader.GetString(4)),
                reader.GetInt32(5), reader.GetInt64(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                reader.GetString(10), reader.GetInt64(11) != 0, reader.GetInt64(12), reader.GetInt64(13), reader.GetInt32(14),
                reader.GetInt64(15), reader.GetInt64(16)));
        }

        return rows;
    }

    public List<StreamRow> ListStreams()
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {StreamColumns} FROM streams ORDER BY host_id, name";
        return ReadStreams(query);
    }

    public StreamRow? FindStream(string hostId, string name)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {StreamColumns} FROM streams WHERE host_id = $host AND name = $name";
        query.Parameters.AddWithValue("$host", hostId);
        query.Parameters.AddWithValue("$name", name);
        var rows = ReadStreams(query);
        return rows.Count == 0 ? null : rows[0];
    }

    public bool HostExists(string hostId)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT 1 FROM hosts WHERE host_id = $host";
        query.Parameters.AddWithValue("$host", hostId);
        return query.ExecuteScalar() is not null;
    }

    /// <summary>Newest first; <paramref name="sinceMs"/> keeps windows starting at or after it.</summary>
    public List<ProfileRow> ListProfiles(long streamId, int limit, long? sinceMs)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT window_start_ms, window_end_ms, partial, payload FROM profiles
            WHERE stream_id = $stream AND window_start_ms >= $since
            ORDER BY window_start_ms DESC, profile_id DESC LIMIT $limit
            """;
        query.Parameters.AddWithValue("$stream", streamId);
        query.Parameters.AddWithValue("$since", sinceMs ?? long.MinValue);
        query.Parameters.AddWithValue("$limit", limit);
        using var reader = query.ExecuteReader();
        var rows = new List<ProfileRow>();
        while (reader.Read())
        {
            rows.Add(new ProfileRow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2) != 0, (byte[])reader.GetValue(3)));
        }

        return rows;
    }

    /// <summary>Records per window end summed over every host's stream of that name (whole windows), the most recent <paramref name="windows"/>, oldest first.</summary>
    public List<(long WindowEndMs, long Records)> FleetVolumeSeries(string streamName, int windows)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT p.window_end_ms, SUM(p.records) FROM profiles p JOIN streams s ON s.stream_id = p.stream_id
            WHERE s.name = $name AND p.partial = 0
            GROUP BY p.window_end_ms ORDER BY p.window_end_ms DESC LIMIT $limit
            """;
        query.Parameters.AddWithValue("$name", streamName);
        query.Parameters.AddWithValue("$limit", windows);
        using var reader = query.ExecuteReader();
        var rows = new List<(long, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }

        rows.Reverse();
        return rows;
    }

    /// <summary>Signals whose window ended at or after <paramref name="sinceMs"/>, newest first.</summary>
    public List<SignalRow> ListSignals(long sinceMs, int limit)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT s.host_id, s.name, g.window_end_ms, g.score, g.tail_p, g.severity, g.alarm, g.contributors, g.stored_ms
            FROM signals g JOIN streams s ON s.stream_id = g.stream_id
            WHERE g.window_end_ms >= $since ORDER BY g.window_end_ms DESC, g.signal_id DESC LIMIT $limit
            """;
        query.Parameters.AddWithValue("$since", sinceMs);
        query.Parameters.AddWithValue("$limit", limit);
        using var reader = query.ExecuteReader();
        var rows = new List<SignalRow>();
        while (reader.Read())
        {
            rows.Add(new SignalRow(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt32(5),
                reader.GetInt64(6) != 0, reader.GetString(7), reader.GetInt64(8)));
        }

        return rows;
    }

    /// <summary>Stream names with the number of hosts that have each, by name.</summary>
    public List<StreamNameRow> ListStreamNames()
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT name, COUNT(*), SUM(profiles_total), SUM(records_total), MAX(last_window_end_ms)
            FROM streams GROUP BY name ORDER BY name
            """;
        using var reader = query.ExecuteReader();
        var rows = new List<StreamNameRow>();
        while (reader.Read())
        {
            rows.Add(new StreamNameRow(
                reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4)));
        }

        return rows;
    }

    /// <summary>Every host's stream of that name, by host.</summary>
    public List<StreamRow> FindStreamsByName(string name)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {StreamColumns} FROM streams WHERE name = $name ORDER BY host_id";
        query.Parameters.AddWithValue("$name", name);
        return ReadStreams(query);
    }

    /// <summary>
    /// The profiles of the given streams whose window starts in [<paramref name="fromMs"/>, <paramref name="toMs"/>), newest
    /// first, at most <paramref name="limit"/>; without payloads, which <see cref="ReadPayloads"/> streams one at a time.
    /// </summary>
    public List<ProfileKeyRow> ListProfileKeysInRange(IReadOnlyList<long> streamIds, long fromMs, long toMs, int limit)
    {
        var rows = new List<ProfileKeyRow>();
        if (streamIds.Count == 0)
        {
            return rows;
        }

        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        var names = new string[streamIds.Count];
        for (var i = 0; i < streamIds.Count; i++)
        {
            names[i] = "$s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            query.Parameters.AddWithValue(names[i], streamIds[i]);
        }

        query.CommandText = $"""
            SELECT p.profile_id, s.host_id, p.window_start_ms, p.window_end_ms
            FROM profiles p JOIN streams s ON s.stream_id = p.stream_id
            WHERE p.stream_id IN ({string.Join(',', names)}) AND p.window_start_ms >= $from AND p.window_start_ms < $to
            ORDER BY p.window_start_ms DESC, p.profile_id DESC LIMIT $limit
            """;
        query.Parameters.AddWithValue("$from", fromMs);
        query.Parameters.AddWithValue("$to", toMs);
        query.Parameters.AddWithValue("$limit", limit);
        using var reader = query.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new ProfileKeyRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return rows;
    }

    /// <summary>
    /// The payloads of <paramref name="profileIds"/> in that order, read lazily over one connection, so a merge holds
    /// one payload at a time however many it reads. A profile pruned meanwhile yields an empty payload.
    /// </summary>
    public IEnumerable<byte[]> ReadPayloads(IEnumerable<long> profileIds)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var transaction = connection.BeginTransaction(deferred: true);
        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT payload FROM profiles WHERE profile_id = $id";
        var id = query.Parameters.Add("$id", SqliteType.Integer);
        foreach (var profileId in profileIds)
        {
            id.Value = profileId;
            yield return query.ExecuteScalar() as byte[] ?? [];
        }
    }

    public long CountProfiles()
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT COUNT(*) FROM profiles";
        return (long)query.ExecuteScalar()!;
    }

    private static List<StreamRow> ReadStreams(SqliteCommand query)
    {
        using var reader = query.ExecuteReader();
        var rows = new List<StreamRow>();
        while (reader.Read())
        {
            rows.Add(new StreamRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), SplitList(reader.GetString(6)), SplitList(reader.GetString(7)), reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12),
                reader.GetInt64(13), reader.GetInt64(14), reader.GetInt64(15), reader.GetInt32(16), reader.GetString(17),
                reader.GetInt32(18), reader.GetInt32(19), reader.GetDouble(20), reader.GetString(21)));
        }

        return rows;
    }

    private static string[] SplitList(string value) => value.Length == 0 ? [] : value.Split(',');
}
