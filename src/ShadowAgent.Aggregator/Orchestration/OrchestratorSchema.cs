namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// Migration 5: the orchestrator's tables. Kept here with the code that writes them; Store/Migrations lists it.
/// </summary>
internal static class OrchestratorSchema
{
    public const string Name = "orchestrator decisions, commands, learned parameters";

    public const string Sql = """
        CREATE TABLE decisions (
            decision_id          INTEGER PRIMARY KEY,
            target               TEXT NOT NULL,
            host_id              TEXT NOT NULL,
            window_end_ms        INTEGER NOT NULL,
            decided_ms           INTEGER NOT NULL,
            action               TEXT NOT NULL,
            from_cpu_cores       REAL NOT NULL,
            to_cpu_cores         REAL NOT NULL,
            from_memory_bytes    INTEGER NOT NULL,
            to_memory_bytes      INTEGER NOT NULL,
            forecaster           TEXT NOT NULL,
            forecast_peak_rate   REAL,
            triggers             TEXT NOT NULL,
            blocked              TEXT,
            dry_run              INTEGER NOT NULL,
            inputs               TEXT NOT NULL,
            command_id           TEXT,
            latency_us           INTEGER NOT NULL,
            outcome_ms           INTEGER,
            outcome_windows      INTEGER,
            outcome_utilization  REAL,
            outcome_throttled    REAL,
            outcome_pressure     REAL,
            outcome_slo_breaches INTEGER,
            outcome_undone       INTEGER,
            learned              TEXT
        );
        CREATE INDEX decisions_by_target ON decisions (target, decision_id);
        -- A result may arrive before its command is recorded (the command is sent first): either insert creates the row.
        CREATE TABLE commands (
            command_id   TEXT PRIMARY KEY NOT NULL,
            decision_id  INTEGER,
            host_id      TEXT NOT NULL,
            target       TEXT NOT NULL DEFAULT '',
            cpu_cores    REAL,
            memory_bytes INTEGER,
            dry_run      INTEGER NOT NULL DEFAULT 0,
            reason       TEXT NOT NULL DEFAULT '',
            issued_ms    INTEGER NOT NULL DEFAULT 0,
            sent         INTEGER NOT NULL DEFAULT 0,
            status       TEXT,
            message      TEXT,
            before       TEXT,
            after        TEXT,
            result_ms    INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE target_learning (
            target                  TEXT PRIMARY KEY NOT NULL,
            high_factor             REAL NOT NULL,
            headroom                REAL NOT NULL,
            utilization_high        REAL NOT NULL,
            utilization_low         REAL NOT NULL,
            records_per_core_second REAL NOT NULL,
            adaptations             INTEGER NOT NULL,
            forecaster_errors       TEXT NOT NULL,
            cpu_cores               REAL,
            memory_bytes            INTEGER,
            updated_ms              INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;
}
