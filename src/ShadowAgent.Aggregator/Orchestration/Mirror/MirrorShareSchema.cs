namespace ShadowAgent.Aggregator.Orchestration.Mirror;

/// <summary>Migration 6: every change of a mirrored share, its reason and the agent's MirrorShareResult.</summary>
internal static class MirrorShareSchema
{
    public const string Name = "mirror share changes";

    public const string Sql = """
        CREATE TABLE mirror_share_changes (
            command_id     TEXT PRIMARY KEY NOT NULL,
            target         TEXT NOT NULL DEFAULT '',
            host_id        TEXT NOT NULL,
            stream         TEXT NOT NULL,
            window_end_ms  INTEGER NOT NULL DEFAULT 0,
            decided_ms     INTEGER NOT NULL DEFAULT 0,
            direction      TEXT NOT NULL DEFAULT '',
            from_share     REAL,
            to_share       REAL,
            reason         TEXT NOT NULL DEFAULT '',
            sent           INTEGER NOT NULL DEFAULT 0,
            applied        INTEGER,
            share_in_force REAL,
            message        TEXT,
            result_ms      INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX mirror_share_changes_by_target ON mirror_share_changes (target, decided_ms);
        """;
}
