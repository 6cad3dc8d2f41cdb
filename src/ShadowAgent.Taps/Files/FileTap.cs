using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Parsing;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Taps.Files;

/// <summary>
/// Tails files and globs for one stream. One poll loop looks at the patterns, follows every matching file by its
/// identity (device and inode) rather than its name, and reads what was appended with positional reads into one
/// large buffer, framing lines in place; a partial last line waits for its end. Rotation by rename keeps the old
/// inode open and reads it to its end before closing it; copytruncate (the file shrinks under the offset, or its
/// first bytes change) starts it over at 0. Offsets are checkpointed per identity so a restart resumes at the first
/// line not yet handed to the sink: a stop and a start neither lose nor repeat a line.
/// </summary>
public sealed class FileTap : ITap
{
    private const int MinReadBufferBytes = 1024 * 1024;
    private const long ReadBudgetPerFile = 64L * 1024 * 1024;

    // Passes an orphaned file must find nothing new in before it is closed: a writer may still append to a renamed
    // file until it reopens its log.
    private const int OrphanIdlePasses = 2;

    private static readonly EnumerationOptions Enumeration = new() { MatchType = MatchType.Simple, IgnoreInaccessible = true, RecurseSubdirectories = false };

    private readonly StreamOptions _stream;
    private readonly IRecordSinkFactory _sinks;
    private readonly IRecordSink _sink;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TapMetrics _metrics;
    private readonly ILineExtractor _extractor;
    private readonly byte[] _buffer;
    private readonly Dictionary<FileIdentity, TailedFile> _files = [];
    private readonly Dictionary<FileIdentity, int> _orphanIdle = [];
    private readonly Dictionary<FileIdentity, FileCheckpointEntry> _restored = [];
    private readonly CancellationTokenSource _cts = new();
    private readonly string _checkpointPath;
    private Task _loop = Task.CompletedTask;
    private Task? _stopping;
    private long _lastCheckpoint;
    private bool _dirty;

    // A checkpoint was read: files it does not list appeared while the agent was down and are read from their start.
    private bool _hadCheckpoint;
    private long _passes;
    private long _truncations;
    private long _rotationsFinished;
    private int _openFiles;

    private FileTap(StreamOptions stream, IRecordSinkFactory sinks, ILogger logger, TimeProvider time)
    {
        _stream = stream;
        _sinks = sinks;
        _logger = logger;
        _time = time;
        _metrics = new TapMetrics(stream.Name);
        _checkpointPath = stream.Tap.CheckpointPath;
        _buffer = new byte[Math.Max(MinReadBufferBytes, 2 * (stream.Tap.MaxLineBytes + 2))];
        if (stream.Format == StreamFormats.Plain)
        {
            _extractor = PlainLineExtractor.Create(stream);
            _sink = sinks.Open();
        }
        else
        {
            var shapes = stream.Schema.Enabled ? new ShapeRecorder(stream.Schema.MaxFields, stream.Schema.MaxPathChars) : null;
            _extractor = new NdJsonFieldExtractor(FieldTrie.Compile(stream), shapes);
            _sink = sinks.Open(shapes);
        }
    }

    public string StreamName => _stream.Name;

    public string Source => string.Join(", ", _stream.Tap.Paths);

    /// <summary>Poll passes completed; a test that changed files waits for two more to know they were looked at.</summary>
    internal long Passes => Interlocked.Read(ref _passes);

    /// <summary>Files open now (rotated ones still being finished included).</summary>
    internal int OpenFiles => Volatile.Read(ref _openFiles);

    internal long Truncations => Interlocked.Read(ref _truncations);

    internal long RotationsFinished => Interlocked.Read(ref _rotationsFinished);

    /// <summary>Loads the checkpoint and starts the poll loop.</summary>
    public static FileTap Start(StreamOptions stream, IRecordSinkFactory sinks, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (stream.Tap.Paths.Count == 0)
        {
            throw new InvalidOperationException($"Stream '{stream.Name}': a file tap needs at least one path.");
        }

        var tap = new FileTap(stream, sinks, loggerFactory.CreateLogger<FileTap>(), time ?? TimeProvider.System);
        tap.Restore();
        tap._lastCheckpoint = tap._time.GetTimestamp();
        tap._loop = Task.Run(tap.RunAsync);
        FileTapLog.Tailing(tap._logger, stream.Name, tap.Source, stream.Tap.PollInterval.TotalMilliseconds);
        return tap;
    }

    /// <summary>Stops polling after the pass under way, writes the checkpoint and closes the sink.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_cts)
        {
            _stopping ??= StopCoreAsync();
            return _stopping;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task StopCoreAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        SaveCheckpoint();
        var count = _files.Count;
        foreach (var file in _files.Values)
        {
            file.Dispose();
        }

        _files.Clear();
        Volatile.Write(ref _openFiles, 0);
        _sinks.Close(_sink);
        _cts.Dispose();
        FileTapLog.Stopped(_logger, _stream.Name, count);
    }

    private async Task RunAsync()
    {
        var token = _cts.Token;
        var first = true;
        while (!token.IsCancellationRequested)
        {
            var more = false;
            try
            {
                Scan(first);
                first = false;
                more = ReadAll();
                if (_dirty && _time.GetElapsedTime(_lastCheckpoint) >= _stream.Tap.CheckpointInterval)
                {
                    SaveCheckpoint();
                }
            }
            catch (Exception e)
            {
                // A file that vanished mid-read, or a failing sink: the next pass starts from the offsets kept.
                FileTapLog.PollFailed(_logger, _stream.Name, e);
            }

            Volatile.Write(ref _openFiles, _files.Count);
            Interlocked.Increment(ref _passes);
            if (more)
            {
                continue;
            }

            try
            {
                await Task.Delay(_stream.Tap.PollInterval, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void Restore()
    {
        if (string.IsNullOrEmpty(_checkpointPath))
        {
            return;
        }

        try
        {
            _hadCheckpoint = File.Exists(_checkpointPath);
            foreach (var entry in FileCheckpoint.Load(_checkpointPath))
            {
                _restored[new FileIdentity(entry.Device, entry.Inode)] = entry;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            FileTapLog.CheckpointUnreadable(_logger, _stream.Name, e);
        }
    }

    /// <summary>Finds the files the patterns name now: new ones are opened, known ones followed, vanished ones orphaned.</summary>
    private void Scan(bool first)
    {
        var seen = new HashSet<FileIdentity>();
        foreach (var path in Expand())
        {
            if (!FileStat.TryStat(path, out var identity, out _))
            {
                continue;
            }

            if (_files.TryGetValue(identity, out var known))
            {
                known.Path = path;
                known.Orphaned = false;
                _orphanIdle.Remove(identity);
                seen.Add(identity);
                continue;
            }

            if (Open(path, first) is { } opened)
            {
                seen.Add(opened);
            }
        }

        foreach (var file in _files.Values)
        {
            file.Orphaned = !seen.Contains(file.Identity);
        }

        // Entries for files that no longer exist would otherwise be kept forever.
        _restored.Clear();
    }

    private IEnumerable<string> Expand()
    {
        foreach (var pattern in _stream.Tap.Paths)
        {
            var name = Path.GetFileName(pattern);
            if (name.AsSpan().IndexOfAny('*', '?') < 0)
            {
                if (!Directory.Exists(pattern))
                {
                    yield return pattern;
                }

                continue;
            }

            var directory = Path.GetDirectoryName(pattern);
            if (directory is null || !Directory.Exists(directory))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(directory, name, Enumeration))
            {
                if (!IsCheckpointFile(path))
                {
                    yield return path;
                }
            }
        }
    }

    private bool IsCheckpointFile(string path) =>
        _checkpointPath.Length > 0 && (path == _checkpointPath || path == _checkpointPath + ".tmp");

    private FileIdentity? Open(string path, bool first)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            FileTapLog.OpenFailed(_logger, _stream.Name, path, e);
            return null;
        }

        // The path may have been replaced between the look and the open: the handle's identity is the truth.
        if (!FileStat.TryStat(handle, out var identity, out var size) || _files.ContainsKey(identity))
        {
            handle.Dispose();
            return _files.ContainsKey(identity) ? identity : null;
        }

        long offset = 0;
        var adopt = default(FileCheckpointEntry);
        if (_restored.Remove(identity, out var entry))
        {
            if (entry.Offset <= size && (entry.HeadLength == 0 || (TailedFile.TryHashHead(handle, entry.HeadLength, out var hash) && hash == entry.HeadHash)))
            {
                offset = entry.Offset;
                adopt = entry;
            }
        }
        else if (first && !_hadCheckpoint && _stream.Tap.StartAt == FileStartPositions.End)
        {
            offset = size;
        }

        var parser = new NdJsonLineParser(_extractor, _sink, _metrics, _stream.Tap.MaxLineBytes);
        var file = new TailedFile(path, identity, handle, parser, offset);
        if (adopt is not null)
        {
            file.AdoptHead(adopt.HeadLength, adopt.HeadHash);
        }

        _files[identity] = file;
        _dirty = true;
        FileTapLog.Opened(_logger, _stream.Name, path, identity, offset);
        return identity;
    }

    /// <summary>Reads every open file, rotated ones first; true when a file had more than one pass may read.</summary>
    private bool ReadAll()
    {
        var more = false;
        List<TailedFile>? finished = null;
        foreach (var file in _files.Values.OrderByDescending(f => f.Orphaned))
        {
            if (!FileStat.TryStat(file.Handle, out _, out var size))
            {
                continue;
            }

            if (size < file.ReadOffset || (size > 0 && !file.HeadUnchanged()))
            {
                FileTapLog.Truncated(_logger, _stream.Name, file.Path, file.ReadOffset, size);
                Interlocked.Increment(ref _truncations);
                file.Restart();
                _dirty = true;
            }

            if (size > file.ReadOffset)
            {
                var read = file.ReadAvailable(_buffer, ReadBudgetPerFile);
                _dirty |= read > 0;
                more |= read >= ReadBudgetPerFile;
                _orphanIdle.Remove(file.Identity);
            }
            else if (file.Orphaned)
            {
                var idle = _orphanIdle.GetValueOrDefault(file.Identity) + 1;
                _orphanIdle[file.Identity] = idle;
                if (idle >= OrphanIdlePasses)
                {
                    (finished ??= []).Add(file);
                }
            }
        }

        if (finished is not null)
        {
            foreach (var file in finished)
            {
                file.Finish();
                FileTapLog.Closed(_logger, _stream.Name, file.Path, file.Identity, file.ReadOffset);
                _files.Remove(file.Identity);
                _orphanIdle.Remove(file.Identity);
                file.Dispose();
                Interlocked.Increment(ref _rotationsFinished);
            }

            _dirty = true;
        }

        return more;
    }

    private void SaveCheckpoint()
    {
        _lastCheckpoint = _time.GetTimestamp();
        _dirty = false;
        if (string.IsNullOrEmpty(_checkpointPath))
        {
            return;
        }

        var entries = new List<FileCheckpointEntry>(_files.Count);
        foreach (var file in _files.Values)
        {
            entries.Add(new FileCheckpointEntry
            {
                Path = file.Path,
                Device = file.Identity.Device,
                Inode = file.Identity.Inode,
                Offset = file.LineStart,
                HeadLength = file.HeadLength,
                HeadHash = file.HeadHash,
            });
        }

        try
        {
            FileCheckpoint.Save(_checkpointPath, entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            FileTapLog.CheckpointFailed(_logger, _stream.Name, e);
        }
    }
}
