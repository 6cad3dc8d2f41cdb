using Microsoft.Data.Sqlite;

namespace ShadowAgent.Aggregator.Store;

/// <summary>
/// The schema as an ordered list of migrations. Never edit an applied migration: append a new one.
/// Each runs in its own transaction together with its schema_migrations row.
/// Decisions and models get their tables with the code that writes them (no table without a writer).
/// </summary>
internal static class Migrations
{
    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> All =
    [
        (1, "hosts, streams, agent sessions, profiles", """
            CREATE TABLE hosts (
                host_id          TEXT PRIMARY KEY NOT NULL,
                host_name        TEXT NOT NULL,
                agent_version    TEXT NOT NULL,
                protocol_version INTEGER NOT NULL,
                capabilities     TEXT NOT NULL,
                logical_cpus     INTEGER NOT NULL,
                memory_bytes     INTEGER NOT NULL,
                os               TEXT NOT NULL,
                kernel           TEXT NOT NULL,
                architecture     TEXT NOT NULL,
                cgroup_mode      TEXT NOT NULL,
                connected        INTEGER NOT NULL,
                current_epoch    INTEGER NOT NULL,
                first_seen_ms    INTEGER NOT NULL,
                last_seen_ms     INTEGER NOT NULL
            );
            CREATE TABLE streams (
                stream_id             INTEGER PRIMARY KEY,
                host_id               TEXT NOT NULL REFERENCES hosts(host_id),
                name                  TEXT NOT NULL,
                tap                   TEXT NOT NULL DEFAULT '',
                address               TEXT NOT NULL DEFAULT '',
                format                TEXT NOT NULL DEFAULT '',
                key_fields            TEXT NOT NULL DEFAULT '',
                numeric_fields        TEXT NOT NULL DEFAULT '',
                window_ms             INTEGER NOT NULL DEFAULT 0,
                profiles_total        INTEGER NOT NULL DEFAULT 0,
                records_total         INTEGER NOT NULL DEFAULT 0,
                bytes_total           INTEGER NOT NULL DEFAULT 0,
                parsed_total          INTEGER NOT NULL DEFAULT 0,
                errors_total          INTEGER NOT NULL DEFAULT 0,
                dropped_records_total INTEGER NOT NULL DEFAULT 0,
                last_window_end_ms    INTEGER,
                UNIQUE (host_id, name)
            );
            CREATE TABLE agent_sessions (
                host_id               TEXT NOT NULL REFERENCES hosts(host_id),
                session_epoch         INTEGER NOT NULL,
                stored_through        INTEGER NOT NULL DEFAULT 0,
                started_ms            INTEGER NOT NULL,
                agent_start_ms        INTEGER NOT NULL,
                last_seen_ms          INTEGER NOT NULL,
                records_total         INTEGER NOT NULL DEFAULT 0,
                dropped_records_total INTEGER NOT NULL DEFAULT 0,
                profiles_total        INTEGER NOT NULL DEFAULT 0,
                unacked_batches       INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (host_id, session_epoch)
            ) WITHOUT ROWID;
            -- The natural key includes the session: a retried batch of the same session is ignored, while two
            -- runs of an agent may each contribute a partial piece of the same window.
            CREATE TABLE profiles (
                profile_id      INTEGER PRIMARY KEY,
                stream_id       INTEGER NOT NULL REFERENCES streams(stream_id),
                session_epoch   INTEGER NOT NULL,
                window_start_ms INTEGER NOT NULL,
                window_end_ms   INTEGER NOT NULL,
                partial         INTEGER NOT NULL,
                records         INTEGER NOT NULL,
                bytes           INTEGER NOT NULL,
                parsed          INTEGER NOT NULL,
                errors          INTEGER NOT NULL,
                dropped_records INTEGER NOT NULL,
                rate            REAL NOT NULL,
                payload         BLOB NOT NULL,
                UNIQUE (stream_id, window_start_ms, session_epoch)
            );
            CREATE INDEX profiles_by_window_end ON profiles (window_end_ms);
            """),
        // Hopping, event-time and sampling settings of a stream, as its agent describes it (profile contract v1.1).
        (2, "stream window, event-time and sampling descriptors", """
            ALTER TABLE streams ADD COLUMN hop_ms              INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE streams ADD COLUMN event_time_field    TEXT NOT NULL DEFAULT '';
            ALTER TABLE streams ADD COLUMN allowed_lateness_ms INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE streams ADD COLUMN sampling_mode       INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE streams ADD COLUMN sampling_rate       REAL NOT NULL DEFAULT 0;
            ALTER TABLE streams ADD COLUMN sampling_key_field  TEXT NOT NULL DEFAULT '';
            CREATE INDEX streams_by_name ON streams (name);
            """),

        // Predictive signals: windows the agents' detectors scored as unusual enough for the stream's criticality.
        (3, "anomaly signals", """
            CREATE TABLE signals (
                signal_id     INTEGER PRIMARY KEY,
                stream_id     INTEGER NOT NULL REFERENCES streams(stream_id),
                window_end_ms INTEGER NOT NULL,
                score         REAL NOT NULL,
                tail_p        REAL NOT NULL,
                severity      INTEGER NOT NULL,
                alarm         INTEGER NOT NULL,
                contributors  TEXT NOT NULL,
                stored_ms     INTEGER NOT NULL,
                UNIQUE (stream_id, window_end_ms)
            );
            CREATE INDEX signals_by_window_end ON signals (window_end_ms);
            """),

        // Learned detectors trained per stream from stored profiles (Models/ModelRefresh), and each agent's answer
        // to each model shipped to it. model_results has no foreign key: an agent may answer for a model pruned since.
        (4, "models and model results", """
            CREATE TABLE models (
                model_id        INTEGER PRIMARY KEY,
                stream          TEXT NOT NULL,
                kind            TEXT NOT NULL,
                version         INTEGER NOT NULL,
                precision       TEXT NOT NULL,
                features        TEXT NOT NULL,
                threshold       REAL NOT NULL,
                sha256          TEXT NOT NULL,
                size_bytes      INTEGER NOT NULL,
                onnx            BLOB NOT NULL,
                trained_at_ms   INTEGER NOT NULL,
                rows            INTEGER NOT NULL,
                hosts           INTEGER NOT NULL,
                data_through_ms INTEGER NOT NULL,
                training_ms     REAL NOT NULL,
                flagged_share   REAL NOT NULL,
                UNIQUE (stream, kind, version)
            );
            CREATE TABLE model_results (
                host_id     TEXT NOT NULL,
                model_id    INTEGER NOT NULL,
                version     INTEGER NOT NULL,
                loaded      INTEGER NOT NULL,
                message     TEXT NOT NULL,
                received_ms INTEGER NOT NULL,
                PRIMARY KEY (host_id, model_id)
            ) WITHOUT ROWID;
            CREATE INDEX model_results_by_model ON model_results (model_id);
            """),
        // Orchestrator: decisions with their inputs and outcomes, the commands sent and their results, learned parameters.
        (5, Orchestration.OrchestratorSchema.Name, Orchestration.OrchestratorSchema.Sql),
        // Mirror share controller: every share change with its reason and the agent's result.
        (6, Orchestration.Mirror.MirrorShareSchema.Name, Orchestration.Mirror.MirrorShareSchema.Sql),
    ];

    public static int LatestVersion => All[^1].Version;

    /// <summary>Applies what is missing; refuses a database written by a newer aggregator.</summary>
    public static int Apply(SqliteConnection connection, TimeProvider time)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        var current = CurrentVersion(connection);
        if (current > LatestVersion)
        {
            throw new StoreSchemaException(
                $"database {connection.DataSource} has schema version {current}, newer than {LatestVersion} known to this aggregator; upgrade the aggregator or use another DatabasePath");
        }

        var applied = 0;
        foreach (var (version, name, sql) in All)
        {
            if (version <= current)
            {
                continue;
            }

            using var transaction = connection.BeginTransaction();
            using (var migrate = connection.CreateCommand())
            {
                migrate.Transaction = transaction;
                migrate.CommandText = sql;
                migrate.ExecuteNonQuery();
            }

            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                record.Parameters.AddWithValue("$t", time.GetUtcNow().ToUnixTimeMilliseconds());
                record.ExecuteNonQuery();
            }

            transaction.Commit();
            applied++;
        }

        return applied;
    }

    public static int CurrentVersion(SqliteConnection connection)
    {
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
