using System.Text.Json;
using Microsoft.Data.Sqlite;
using ShadowAgent.Aggregator.Store;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// The orchestrator's tables (migration 5): writes go through the metadata store's single writer, reads use their
/// own pooled connections like <see cref="StoreReader"/>.
/// </summary>
internal sealed class OrchestratorStore(MetadataStore store)
{
    private static readonly OrchestrationJsonContext Json = OrchestrationJsonContext.Default;

    /// <summary>Records a decision and, when it acts, its command; returns the decision id.</summary>
    public Task<long> RecordDecisionAsync(DecisionRecord record, CancellationToken cancellationToken) =>
        store.WriteAsync((connection, transaction) =>
        {
            var d = record.Decision;
            using var insert = Command(connection, transaction, """
                INSERT INTO decisions (target, host_id, window_end_ms, decided_ms, action, from_cpu_cores, to_cpu_cores,
                    from_memory_bytes, to_memory_bytes, forecaster, forecast_peak_rate, triggers, blocked, dry_run, inputs,
                    command_id, latency_us)
                VALUES ($target, $host, $end, $decided, $action, $fromCpu, $toCpu, $fromMem, $toMem, $forecaster, $peak,
                    $triggers, $blocked, $dry, $inputs, $command, $latency)
                RETURNING decision_id
                """);
            Add(insert, "$target", record.Target);
            Add(insert, "$host", record.Host);
            Add(insert, "$end", record.WindowEndMs);
            Add(insert, "$decided", record.DecidedMs);
            Add(insert, "$action", ActionName(d.Action));
            Add(insert, "$fromCpu", d.FromCpuCores);
            Add(insert, "$toCpu", d.ToCpuCores);
            Add(insert, "$fromMem", d.FromMemoryBytes);
            Add(insert, "$toMem", d.ToMemoryBytes);
            Add(insert, "$forecaster", d.Forecaster);
            Add(insert, "$peak", d.ForecastPeakRate);
            Add(insert, "$triggers", JsonSerializer.Serialize(d.Triggers.ToList(), Json.ListTrigger));
            Add(insert, "$blocked", d.Blocked);
            Add(insert, "$dry", record.DryRun ? 1L : 0L);
            Add(insert, "$inputs", JsonSerializer.Serialize(record.Inputs, Json.PolicyInputs));
            Add(insert, "$command", record.Command?.CommandId);
            Add(insert, "$latency", record.LatencyMicroseconds);
            var id = (long)insert.ExecuteScalar()!;

            if (record.Command is { } c)
            {
                using var command = Command(connection, transaction, """
                    INSERT INTO commands (command_id, decision_id, host_id, target, cpu_cores, memory_bytes, dry_run, reason, issued_ms, sent)
                    VALUES ($id, $decision, $host, $target, $cpu, $memory, $dry, $reason, $issued, $sent)
                    ON CONFLICT (command_id) DO UPDATE SET decision_id = excluded.decision_id, host_id = excluded.host_id,
                        target = excluded.target, cpu_cores = excluded.cpu_cores, memory_bytes = excluded.memory_bytes,
                        dry_run = excluded.dry_run, reason = excluded.reason, issued_ms = excluded.issued_ms, sent = excluded.sent
                    """);
                Add(command, "$id", c.CommandId);
                Add(command, "$decision", id);
                Add(command, "$host", record.Host);
                Add(command, "$target", c.Target);
                Add(command, "$cpu", c.HasCpuCores ? c.CpuCores : null);
                Add(command, "$memory", c.HasMemoryBytes ? (long)c.MemoryBytes : null);
                Add(command, "$dry", c.DryRun ? 1L : 0L);
                Add(command, "$reason", c.Reason);
                Add(command, "$issued", c.IssuedUnixMs);
                Add(command, "$sent", record.Sent ? 1L : 0L);
                command.ExecuteNonQuery();
            }

            return id;
        }, cancellationToken);

    /// <summary>Stores an agent's CommandResult (also for a command this aggregator has no record of).</summary>
    public Task RecordResultAsync(string hostId, CommandResult result, long nowMs, CancellationToken cancellationToken) =>
        store.WriteAsync((connection, transaction) =>
        {
            using var upsert = Command(connection, transaction, """
                INSERT INTO commands (command_id, host_id, status, message, before, after, result_ms)
                VALUES ($id, $host, $status, $message, $before, $after, $now)
                ON CONFLICT (command_id) DO UPDATE SET status = excluded.status, message = excluded.message,
                    before = excluded.before, after = excluded.after, result_ms = excluded.result_ms
                """);
            Add(upsert, "$id", result.CommandId);
            Add(upsert, "$host", hostId);
            Add(upsert, "$status", StatusName(result.Status));
            Add(upsert, "$message", result.Message);
            Add(upsert, "$before", JsonSerializer.Serialize(new Dictionary<string, string>(result.Before), Json.DictionaryStringString));
            Add(upsert, "$after", JsonSerializer.Serialize(new Dictionary<string, string>(result.After), Json.DictionaryStringString));
            Add(upsert, "$now", nowMs);
            upsert.ExecuteNonQuery();
            return 0;
        }, cancellationToken);

    public Task RecordOutcomeAsync(long decisionId, long nowMs, Outcome outcome, string? learned, CancellationToken cancellationToken) =>
        store.WriteAsync((connection, transaction) =>
        {
            using var update = Command(connection, transaction, """
                UPDATE decisions SET outcome_ms = $now, outcome_windows = $windows, outcome_utilization = $util,
                    outcome_throttled = $throttled, outcome_pressure = $pressure, outcome_slo_breaches = $breaches,
                    outcome_undone = $undone, learned = $learned
                WHERE decision_id = $id
                """);
            Add(update, "$id", decisionId);
            Add(update, "$now", nowMs);
            Add(update, "$windows", (long)outcome.Windows);
            Add(update, "$util", outcome.MeanUtilization);
            Add(update, "$throttled", outcome.MaxThrottledRatio);
            Add(update, "$pressure", outcome.MaxPressure);
            Add(update, "$breaches", (long)outcome.SloBreaches);
            Add(update, "$undone", outcome.Undone ? 1L : 0L);
            Add(update, "$learned", learned);
            update.ExecuteNonQuery();
            return 0;
        }, cancellationToken);

    public Task SaveLearningAsync(string target, LearnedParameters learned, ForecasterScores scores, double cpuCores, long memoryBytes, long nowMs, CancellationToken cancellationToken)
    {
        var errors = JsonSerializer.Serialize(
            scores.Scores.ToDictionary(p => p.Key, p => new ForecasterErrorInfo(p.Value.Error, p.Value.Samples)), Json.DictionaryStringForecasterErrorInfo);
        return store.WriteAsync((connection, transaction) =>
        {
            using var upsert = Command(connection, transaction, """
                INSERT INTO target_learning (target, high_factor, headroom, utilization_high, utilization_low,
                    records_per_core_second, adaptations, forecaster_errors, cpu_cores, memory_bytes, updated_ms)
                VALUES ($target, $factor, $headroom, $high, $low, $rpc, $adaptations, $errors, $cpu, $memory, $now)
                ON CONFLICT (target) DO UPDATE SET high_factor = excluded.high_factor, headroom = excluded.headroom,
                    utilization_high = excluded.utilization_high, utilization_low = excluded.utilization_low,
                    records_per_core_second = excluded.records_per_core_second, adaptations = excluded.adaptations,
                    forecaster_errors = excluded.forecaster_errors, cpu_cores = excluded.cpu_cores,
                    memory_bytes = excluded.memory_bytes, updated_ms = excluded.updated_ms
                """);
            Add(upsert, "$target", target);
            Add(upsert, "$factor", learned.HighFactor);
            Add(upsert, "$headroom", learned.Headroom);
            Add(upsert, "$high", learned.UtilizationHigh);
            Add(upsert, "$low", learned.UtilizationLow);
            Add(upsert, "$rpc", learned.RecordsPerCoreSecond);
            Add(upsert, "$adaptations", (long)learned.Adaptations);
            Add(upsert, "$errors", errors);
            Add(upsert, "$cpu", cpuCores);
            Add(upsert, "$memory", memoryBytes);
            Add(upsert, "$now", nowMs);
            upsert.ExecuteNonQuery();
            return 0;
        }, cancellationToken);
    }

    /// <summary>What was learned about a target before this start, or null.</summary>
    public StoredLearning? LoadLearning(string target)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT high_factor, headroom, utilization_high, utilization_low, records_per_core_second, adaptations,
                   forecaster_errors, cpu_cores, memory_bytes
            FROM target_learning WHERE target = $target
            """;
        query.Parameters.AddWithValue("$target", target);
        using var reader = query.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var learned = new LearnedParameters(reader.GetDouble(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt32(5));
        var errors = JsonSerializer.Deserialize(reader.GetString(6), Json.DictionaryStringForecasterErrorInfo) ?? [];
        return new StoredLearning(learned, errors, reader.IsDBNull(7) ? null : reader.GetDouble(7), reader.IsDBNull(8) ? null : reader.GetInt64(8));
    }

    /// <summary>The target's actions of the last hour and its newest up and down (for cooldowns after a restart).</summary>
    public List<(long WindowEndMs, ScaleAction Action)> LoadActions(string target, long sinceMs)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT window_end_ms, action FROM decisions
            WHERE target = $target AND action <> 'hold' AND dry_run = 0 AND window_end_ms >= $since
            ORDER BY decision_id
            """;
        query.Parameters.AddWithValue("$target", target);
        query.Parameters.AddWithValue("$since", sinceMs);
        using var reader = query.ExecuteReader();
        var rows = new List<(long, ScaleAction)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1) == "up" ? ScaleAction.Up : ScaleAction.Down));
        }

        return rows;
    }

    /// <summary>Newest first.</summary>
    public List<DecisionInfo> ListDecisions(string? target, int limit)
    {
        using var connection = SqliteDb.Open(store.Path);
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT d.decision_id, d.target, d.host_id, d.window_end_ms, d.decided_ms, d.action, d.from_cpu_cores, d.to_cpu_cores,
                   d.from_memory_bytes, d.to_memory_bytes, d.forecaster, d.forecast_peak_rate, d.triggers, d.blocked, d.dry_run,
                   d.inputs, d.latency_us, d.outcome_ms, d.outcome_windows, d.outcome_utilization, d.outcome_throttled,
                   d.outcome_pressure, d.outcome_slo_breaches, d.outcome_undone, d.learned,
                   c.command_id, c.cpu_cores, c.memory_bytes, c.dry_run, c.sent, c.issued_ms, c.status, c.message, c.before,
                   c.after, c.result_ms
            FROM decisions d LEFT JOIN commands c ON c.command_id = d.command_id
            WHERE $target IS NULL OR d.target = $target
            ORDER BY d.decision_id DESC LIMIT $limit
            """;
        query.Parameters.AddWithValue("$target", (object?)target ?? DBNull.Value);
        query.Parameters.AddWithValue("$limit", limit);
        using var r = query.ExecuteReader();
        var rows = new List<DecisionInfo>();
        while (r.Read())
        {
            CommandInfo? command = r.IsDBNull(25) ? null : new CommandInfo(
                r.GetString(25), NullableDouble(r, 26), r.IsDBNull(27) ? null : r.GetInt64(27), r.GetInt64(28) != 0, r.GetInt64(29) != 0,
                r.GetInt64(30), r.IsDBNull(31) ? null : r.GetString(31), r.IsDBNull(32) ? null : r.GetString(32),
                Map(r, 33), Map(r, 34), r.IsDBNull(35) ? null : r.GetInt64(35));
            OutcomeInfo? outcome = r.IsDBNull(17) ? null : new OutcomeInfo(
                r.GetInt64(17), r.GetInt32(18), NullableDouble(r, 19), NullableDouble(r, 20), NullableDouble(r, 21), r.GetInt32(22),
                r.GetInt64(23) != 0, r.IsDBNull(24) ? null : r.GetString(24));
            rows.Add(new DecisionInfo(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetString(5), r.GetDouble(6), r.GetDouble(7),
                r.GetInt64(8), r.GetInt64(9), r.GetString(10), NullableDouble(r, 11),
                JsonSerializer.Deserialize(r.GetString(12), Json.ListTrigger) ?? [], r.IsDBNull(13) ? null : r.GetString(13),
                r.GetInt64(14) != 0, JsonSerializer.Deserialize(r.GetString(15), Json.PolicyInputs), r.GetInt64(16) / 1000.0,
                command, outcome));
        }

        return rows;
    }

    public static string ActionName(ScaleAction action) => action switch
    {
        ScaleAction.Up => "up",
        ScaleAction.Down => "down",
        _ => "hold",
    };

    public static string StatusName(CommandResult.Types.Status status) => status switch
    {
        CommandResult.Types.Status.Applied => "applied",
        CommandResult.Types.Status.DryRun => "dry_run",
        CommandResult.Types.Status.Rejected => "rejected",
        CommandResult.Types.Status.Failed => "failed",
        CommandResult.Types.Status.RolledBack => "rolled_back",
        _ => "unspecified",
    };

    private static Dictionary<string, string>? Map(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize(reader.GetString(ordinal), Json.DictionaryStringString);

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

/// <summary>A decision to record, with its command when it acts.</summary>
internal sealed record DecisionRecord(
    string Target, string Host, long WindowEndMs, long DecidedMs, Decision Decision, PolicyInputs Inputs, bool DryRun,
    ResizeCommand? Command, bool Sent, long LatencyMicroseconds);

internal sealed record StoredLearning(LearnedParameters Learned, Dictionary<string, ForecasterErrorInfo> ForecasterErrors, double? CpuCores, long? MemoryBytes);
