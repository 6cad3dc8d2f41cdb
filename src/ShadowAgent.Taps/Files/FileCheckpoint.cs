using System.Text.Json;
using System.Text.Json.Serialization;

namespace ShadowAgent.Taps.Files;

/// <summary>
/// Where each tailed file was read up to: its identity, the offset of the first line not yet handed to the sink,
/// and a hash of its first bytes so an inode reused by another file, or a file truncated and rewritten past the
/// offset while the agent was down, is read from its start instead of from a stale offset. Written atomically
/// (temporary file, fsync, rename) so a crash leaves the previous checkpoint or the new one, never a torn one.
/// </summary>
internal static class FileCheckpoint
{
    public const int CurrentVersion = 1;

    /// <summary>The saved entries; empty when there is no file. Throws <see cref="InvalidDataException"/> when it does not parse.</summary>
    public static List<FileCheckpointEntry> Load(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            var bytes = File.ReadAllBytes(path);
            var state = JsonSerializer.Deserialize(bytes, FileCheckpointJson.Default.FileCheckpointState);
            if (state is null || state.Version != CurrentVersion)
            {
                throw new InvalidDataException($"checkpoint {path} has version {state?.Version}, not {CurrentVersion}.");
            }

            return state.Files;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"checkpoint {path} does not parse: {e.Message}", e);
        }
    }

    public static void Save(string path, List<FileCheckpointEntry> files)
    {
        var temporary = path + ".tmp";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new FileCheckpointState { Version = CurrentVersion, Files = files }, FileCheckpointJson.Default.FileCheckpointState);
        if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

internal sealed class FileCheckpointState
{
    public int Version { get; set; }

    public List<FileCheckpointEntry> Files { get; set; } = [];
}

internal sealed class FileCheckpointEntry
{
    public string Path { get; set; } = "";

    public ulong Device { get; set; }

    public ulong Inode { get; set; }

    /// <summary>Offset of the first byte of the first line not yet handed to the sink.</summary>
    public long Offset { get; set; }

    /// <summary>Bytes at the file's start that <see cref="HeadHash"/> covers.</summary>
    public int HeadLength { get; set; }

    public ulong HeadHash { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(FileCheckpointState))]
internal sealed partial class FileCheckpointJson : JsonSerializerContext;
