using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using ShadowAgent.Aggregator.Signals;
using ShadowAgent.Aggregator.Telemetry;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Store;

/// <summary>
/// The single writer of the metadata store. Writes are serialized by one semaphore over one connection
/// with prepared commands, so SQLite never sees two writers and never returns SQLITE_BUSY to ingest.
/// Readers use <see cref="StoreReader"/>, which opens its own pooled connections (WAL lets them run
/// alongside the writer).
/// </summary>
internal sealed class MetadataStore : IDisposable
{
    private const int PruneChunk = 5000;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly AggregatorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Dictionary<(string Host, string Stream), long> _streamIds = [];

    private readonly SqliteCommand _upsertHost;
    private readonly SqliteCommand _upsertDescribedStream;
    private readonly SqliteCommand _ensureStream;
    private readonly SqliteCommand _openSession;
    private readonly SqliteCommand _insertProfile;
    private readonly SqliteCommand _addStreamTotals;
    private readonly SqliteCommand _advanceSession;
    private readonly SqliteCommand _heartbeat;
    private readonly SqliteCommand _disconnect;
    private readonly SqliteCommand _insertSignal;
    private readonly SignalPolicy _signals;

    public MetadataStore(string path, TimeProvider time, AggregatorMetrics metrics, ILogger<MetadataStore> logger, SignalPolicy? signals = null)
    {
        Path = path;
        _signals = signals ?? new SignalPolicy();
        _time = time;
        _metrics = metrics;
        _logger = logger;
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connection = SqliteDb.Open(path);
        try
        {
            var applied = Migrations.Apply(_connection, time);
            StoreLog.Opened(logger, path, Migrations.LatestVersion, applied);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _upsertHost = Prepare("""
            INSERT INTO hosts (host_id, host_name, agent_version, protocol_version, capabilities, logical_cpus, memory_bytes,
                               os, kernel, architecture, cgroup_mode, connected, current_epoch, first_seen_ms, last_seen_ms)
            VALUES ($host, $name, $version, $protocol, $caps, $cpus, $memory, $os, $kernel, $arch, $cgroup, 1, $epoch, $now, $now)
            ON CONFLICT (host_id) DO UPDATE SET
                host_name = excluded.host_name, agent_version = excluded.agent_version,
                protocol_version = excluded.protocol_version, capabilities = excluded.capabilities,
                logical_cpus = excluded.logical_cpus, memory_bytes = excluded.memory_bytes, os = excluded.os,
                kernel = excluded.kernel, architecture = excluded.architecture, cgroup_mode = excluded.cgroup_mode,
                connected = 1, current_epoch = excluded.current_epoch, last_seen_ms = excluded.last_seen_ms
            """, "$host", "$name", "$version", "$protocol", "$caps", "$cpus", "$memory", "$os", "$kernel", "$arch", "$cgroup", "$epoch", "$now");
        _upsertDescribedStream = Prepare("""
            INSERT INTO streams (host_id, name, tap, address, format, key_fields, numeric_fields, window_ms, hop_ms,
                                 event_time_field, allowed_lateness_ms, sampling_mode, sampling_rate, sampling_key_field)
            VALUES ($host, $name, $tap, $address, $format, $keys, $numeric, $window, $hop, $eventTime, $lateness,
                    $samplingMode, $samplingRate, $samplingKey)
            ON CONFLICT (host_id, name) DO UPDATE SET
                tap = excluded.tap, address = excluded.address, format = excluded.format,
                key_fields = excluded.key_fields, numeric_fields = excluded.numeric_fields, window_ms = excluded.window_ms,
                hop_ms = excluded.hop_ms, event_time_field = excluded.event_time_field,
                allowed_lateness_ms = excluded.allowed_lateness_ms, sampling_mode = excluded.sampling_mode,
                sampling_rate = excluded.sampling_rate, sampling_key_field = excluded.sampling_key_field
            RETURNING stream_id
            """, "$host", "$name", "$tap", "$address", "$format", "$keys", "$numeric", "$window", "$hop", "$eventTime", "$lateness",
            "$samplingMode", "$samplingRate", "$samplingKey");
        _ensureStream = Prepare("""
            INSERT INTO streams (host_id, name) VALUES ($host, $name)
            ON CONFLICT (host_id, name) DO UPDATE SET name = excluded.name
            RETURNING stream_id
            """, "$host", "$name");
        _openSession = Prepare("""
            INSERT INTO agent_sessions (host_id, session_epoch, started_ms, agent_start_ms, last_seen_ms)
            VALUES ($host, $epoch, $now, $agentStart, $now)
            ON CONFLICT (host_id, session_epoch) DO UPDATE SET last_seen_ms = excluded.last_seen_ms
            RETURNING stored_through
            """, "$host", "$epoch", "$now", "$agentStart");
        _insertProfile = Prepare("""
            INSERT OR IGNORE INTO profiles (stream_id, session_epoch, window_start_ms, window_end_ms, partial, records, bytes,
                                            parsed, errors, dropped_records, rate, payload)
            VALUES ($stream, $epoch, $start, $end, $partial, $records, $bytes, $parsed, $errors, $dropped, $rate, $payload)
            """, "$stream", "$epoch", "$start", "$end", "$partial", "$records", "$bytes", "$parsed", "$errors", "$dropped", "$rate", "$payload");
        _insertSignal = Prepare("""
            INSERT OR IGNORE INTO signals (stream_id, window_end_ms, score, tail_p, severity, alarm, contributors, stored_ms)
            VALUES ($stream, $end, $score, $tailP, $severity, $alarm, $contributors, $now)
            """, "$stream", "$end", "$score", "$tailP", "$severity", "$alarm", "$contributors", "$now");
        _addStreamTotals = Prepare("""
            UPDATE streams SET profiles_total = profiles_total + 1, records_total = records_total + $records,
                bytes_total = bytes_total + $bytes, parsed_total = parsed_total + $parsed, errors_total = errors_total + $errors,
                dropped_records_total = dropped_records_total + $dropped,
                last_window_end_ms = MAX(COALESCE(last_window_end_ms, 0), $end)
            WHERE stream_id = $stream
            """, "$stream", "$records", "$bytes", "$parsed", "$errors", "$dropped", "$end");
        _advanceSession = Prepare("""
            UPDATE agent_sessions SET stored_through = $sequence, last_seen_ms = $now
            WHERE host_id = $host AND session_epoch = $epoch AND stored_through < $sequence
            """, "$host", "$epoch", "$sequence", "$now");
        _heartbeat = Prepare("""
            UPDATE agent_sessions SET last_seen_ms = $now, records_total = $records, dropped_records_total = $dropped,
                profiles_total = $profiles, unacked_batches = $unacked
            WHERE host_id = $host AND session_epoch = $epoch;
            UPDATE hosts SET last_seen_ms = $now WHERE host_id = $host;
            """, "$host", "$epoch", "$now", "$records", "$dropped", "$profiles", "$unacked");
        _disconnect = Prepare(
            "UPDATE hosts SET connected = 0, last_seen_ms = $now WHERE host_id = $host AND current_epoch = $epoch",
            "$host", "$epoch", "$now");
    }

    public string Path { get; }

    /// <summary>Records the host and its streams and returns the highest stored batch sequence of the session.</summary>
    public async Task<ulong> OpenSessionAsync(Hello hello, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var now = NowMs();
            var epoch = unchecked((long)hello.SessionEpoch);
            using var transaction = _connection.BeginTransaction();
            var resources = hello.Resources ?? new HostResources();
            Bind(_upsertHost, transaction, hello.HostId, hello.HostName, hello.AgentVersion, (long)hello.ProtocolVersion,
                string.Join(',', hello.Capabilities), (long)resources.LogicalCpus, unchecked((long)resources.MemoryBytes),
                resources.Os, resources.Kernel, resources.Architecture, resources.CgroupMode, epoch, now);
            _upsertHost.ExecuteNonQuery();

            var described = new List<(string, long)>();
            foreach (var stream in hello.Streams)
            {
                if (stream.Name.Length == 0)
                {
                    continue;
                }

                Bind(_upsertDescribedStream, transaction, hello.HostId, stream.Name, stream.Tap, stream.Address, stream.Format,
                    string.Join(',', stream.KeyFields), string.Join(',', stream.NumericFields), (long)stream.WindowMs,
                    (long)stream.HopMs, stream.EventTimeField, (long)stream.AllowedLatenessMs, (long)stream.SamplingMode,
                    stream.SamplingRate, stream.SamplingKeyField);
                described.Add((stream.Name, (long)_upsertDescribedStream.ExecuteScalar()!));
            }

            Bind(_openSession, transaction, hello.HostId, epoch, now, hello.AgentStartUnixMs);
            var storedThrough = (long)_openSession.ExecuteScalar()!;
            transaction.Commit();
            foreach (var (name, id) in described)
            {
                _streamIds[(hello.HostId, name)] = id;
            }

            return (ulong)storedThrough;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Stores the profiles and advances the session's stored_through to <paramref name="sequence"/> in one
    /// transaction. Returns the profiles actually inserted (a profile already stored is ignored).
    /// </summary>
    public async Task<List<ShadowProfile>> StoreBatchAsync(
        string hostId, ulong sessionEpoch, ulong sequence, IReadOnlyList<ShadowProfile> profiles, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var inserted = new List<ShadowProfile>(profiles.Count);
        try
        {
            var epoch = unchecked((long)sessionEpoch);
            using var transaction = _connection.BeginTransaction();
            try
            {
                foreach (var profile in profiles)
                {
                    var streamId = StreamId(transaction, hostId, profile.Stream);
                    var volume = profile.Volume ?? new VolumeCounters();
                    var errors = (long)(volume.Malformed + volume.InvalidUtf8 + volume.Oversize);
                    Bind(_insertProfile, transaction, streamId, epoch, profile.WindowStartUnixMs, profile.WindowEndUnixMs,
                        profile.Partial ? 1L : 0L, (long)volume.Records, (long)volume.Bytes, (long)volume.Parsed, errors,
                        (long)volume.DroppedRecords, volume.RatePerSecond, profile.ToByteArray());
                    if (_insertProfile.ExecuteNonQuery() == 0)
                    {
                        continue;
                    }

                    // Hopping windows overlap: only the newest hop's counters add up across profiles.
                    var hop = profile.HopVolume ?? volume;
                    Bind(_addStreamTotals, transaction, streamId, (long)hop.Records, (long)hop.Bytes, (long)hop.Parsed,
                        (long)(hop.Malformed + hop.InvalidUtf8 + hop.Oversize), (long)hop.DroppedRecords, profile.WindowEndUnixMs);
                    _addStreamTotals.ExecuteNonQuery();
                    if (_signals.IsSignal(profile.Stream, profile.Anomaly))
                    {
                        var a = profile.Anomaly;
                        var contributors = string.Join("; ", a.Contributors.Select(c => string.Create(
                            System.Globalization.CultureInfo.InvariantCulture, $"{c.Feature} {c.Detector} p={c.TailProbability:G3}")));
                        Bind(_insertSignal, transaction, streamId, profile.WindowEndUnixMs, a.Score, a.TailProbability, (long)a.Severity,
                            a.Alarm ? 1L : 0L, contributors, NowMs());
                        _insertSignal.ExecuteNonQuery();
                        _metrics.SignalsStored.Add(1);
                    }

                    inserted.Add(profile);
                }

                Bind(_advanceSession, transaction, hostId, epoch, unchecked((long)sequence), NowMs());
                _advanceSession.ExecuteNonQuery();
                transaction.Commit();
            }
            catch
            {
                // Ids handed out inside the rolled-back transaction may not exist.
                _streamIds.Clear();
                throw;
            }

            return inserted;
        }
        finally
        {
            _metrics.StoreWriteLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction on the writer connection, under the write lock: how components
    /// that own tables of their own (the model registry, the orchestrator) write without becoming a second SQLite writer.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _connection.BeginTransaction();
            var result = write(_connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task RecordHeartbeatAsync(string hostId, ulong sessionEpoch, Heartbeat heartbeat, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            Bind(_heartbeat, null, hostId, unchecked((long)sessionEpoch), NowMs(), unchecked((long)heartbeat.RecordsTotal),
                unchecked((long)heartbeat.DroppedRecordsTotal), unchecked((long)heartbeat.ProfilesTotal), (long)heartbeat.UnackedBatches);
            _heartbeat.ExecuteNonQuery();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Marks the host disconnected unless a newer session of it has taken over.</summary>
    public async Task MarkDisconnectedAsync(string hostId, ulong sessionEpoch)
    {
        // Not cancellable: it runs when the stream is already over, and must not be skipped.
        await _writeLock.WaitAsync(CancellationToken.None);
        try
        {
            Bind(_disconnect, null, hostId, unchecked((long)sessionEpoch), NowMs());
            _disconnect.ExecuteNonQuery();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Deletes profiles whose window ended before <paramref name="cutoffUnixMs"/>, and sessions last seen before it
    /// (except each host's current one). Works in chunks, releasing the writer between them so ingest is not held up.
    /// </summary>
    public async Task<long> PruneAsync(long cutoffUnixMs, CancellationToken cancellationToken)
    {
        long deleted = 0;
        while (true)
        {
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                using var delete = _connection.CreateCommand();
                delete.CommandText = "DELETE FROM profiles WHERE profile_id IN (SELECT profile_id FROM profiles WHERE window_end_ms < $cutoff LIMIT $chunk)";
                delete.Parameters.AddWithValue("$cutoff", cutoffUnixMs);
                delete.Parameters.AddWithValue("$chunk", PruneChunk);
                var count = delete.ExecuteNonQuery();
                deleted += count;
                if (count < PruneChunk)
                {
                    // Signals are few (only unusual windows): one statement removes the old ones.
                    using var signals = _connection.CreateCommand();
                    signals.CommandText = "DELETE FROM signals WHERE window_end_ms < $cutoff";
                    signals.Parameters.AddWithValue("$cutoff", cutoffUnixMs);
                    signals.ExecuteNonQuery();

                    using var sessions = _connection.CreateCommand();
                    sessions.CommandText = """
                        DELETE FROM agent_sessions WHERE last_seen_ms < $cutoff
                        AND session_epoch <> (SELECT current_epoch FROM hosts WHERE hosts.host_id = agent_sessions.host_id)
                        """;
                    sessions.Parameters.AddWithValue("$cutoff", cutoffUnixMs);
                    sessions.ExecuteNonQuery();
                    return deleted;
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    public void Dispose()
    {
        foreach (var command in new[] { _upsertHost, _upsertDescribedStream, _ensureStream, _openSession, _insertProfile, _addStreamTotals, _advanceSession, _heartbeat, _disconnect })
        {
            command.Dispose();
        }

        _connection.Dispose();
        _writeLock.Dispose();
    }

    private long StreamId(SqliteTransaction transaction, string hostId, string stream)
    {
        if (_streamIds.TryGetValue((hostId, stream), out var id))
        {
            return id;
        }

        Bind(_ensureStream, transaction, hostId, stream);
        id = (long)_ensureStream.ExecuteScalar()!;
        _streamIds[(hostId, stream)] = id;
        return id;
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Bind(SqliteCommand command, SqliteTransaction? transaction, params object[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }
}
