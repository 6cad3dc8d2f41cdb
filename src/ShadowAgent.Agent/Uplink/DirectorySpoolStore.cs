using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Agent.Uplink;

/// <summary>
/// A spool directory: one file per batch (<c>{sequence:D20}.batch</c>) and an <c>epoch</c> file.
/// A batch file is a magic, the append time, the length of the ProfileBatch protobuf, the protobuf, and a
/// CRC-32C of all of it; it is written to a temporary name, flushed to the device and renamed, so a crash
/// leaves either the whole batch or none of it. At open, a spool that still holds batches keeps its epoch
/// (the aggregator deduplicates what it already stored by epoch and sequence); an empty one starts a new
/// epoch, so sequence numbers are never reused within an epoch.
/// </summary>
internal sealed class DirectorySpoolStore : ISpoolStore
{
    private const uint Magic = 0x31424153; // "SAB1" little-endian
    private const int HeaderBytes = 4 + 8 + 4;
    private const int MaxBatchBytes = 64 * 1024 * 1024;
    private const string Suffix = ".batch";

    private readonly string _directory;

    private DirectorySpoolStore(string directory, ulong epoch, List<SpooledBatch> recovered, int corrupt)
    {
        _directory = directory;
        Epoch = epoch;
        Recovered = recovered;
        Corrupt = corrupt;
    }

    public ulong Epoch { get; }

    public IReadOnlyList<SpooledBatch> Recovered { get; }

    public int Corrupt { get; }

    /// <exception cref="IOException">The directory cannot be created, read or written.</exception>
    /// <exception cref="UnauthorizedAccessException">The agent may not use the directory.</exception>
    public static DirectorySpoolStore Open(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var temp in Directory.EnumerateFiles(directory, "*.tmp"))
        {
            File.Delete(temp); // a write the agent did not finish: never acknowledged, never sent
        }

        var recovered = new List<SpooledBatch>();
        var corrupt = 0;
        foreach (var (sequence, path) in BatchFiles(directory))
        {
            if (TryRead(path, sequence, out var batch))
            {
                recovered.Add(batch);
            }
            else
            {
                corrupt++;
                File.Move(path, path + ".corrupt", overwrite: true);
            }
        }

        var epochPath = Path.Combine(directory, "epoch");
        ulong epoch;
        if (recovered.Count > 0 && File.Exists(epochPath) &&
            ulong.TryParse(File.ReadAllText(epochPath).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var kept))
        {
            epoch = kept;
        }
        else
        {
            // Batches without the epoch they were numbered in cannot be deduplicated by the aggregator: they
            // are set aside as corrupt (kept for inspection, counted) rather than resent or deleted unseen.
            foreach (var batch in recovered)
            {
                var path = PathOf(directory, batch.Sequence);
                File.Move(path, path + ".corrupt", overwrite: true);
                corrupt++;
            }

            // A fresh epoch starts sequences at 1 again.
            recovered.Clear();
            epoch = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
            WriteDurably(epochPath, System.Text.Encoding.ASCII.GetBytes(epoch.ToString("x16", CultureInfo.InvariantCulture)));
        }

        return new DirectorySpoolStore(directory, epoch, recovered, corrupt);
    }

    public void Write(SpooledBatch batch)
    {
        var payloadLength = batch.Batch.CalculateSize();
        var bytes = new byte[HeaderBytes + payloadLength + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(4), batch.AppendedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), payloadLength);
        Google.Protobuf.MessageExtensions.WriteTo(batch.Batch, bytes.AsSpan(HeaderBytes, payloadLength));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(HeaderBytes + payloadLength), Crc32C(bytes.AsSpan(0, HeaderBytes + payloadLength)));
        WriteDurably(PathOf(_directory, batch.Sequence), bytes);
    }

    public void Delete(ulong sequence) => File.Delete(PathOf(_directory, sequence));

    private static IEnumerable<(ulong Sequence, string Path)> BatchFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*" + Suffix)
            .Select(path => (Ok: ulong.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var s), Sequence: s, Path: path))
            .Where(f => f.Ok)
            .Select(f => (f.Sequence, f.Path))
            .OrderBy(f => f.Sequence);

    private static bool TryRead(string path, ulong sequence, out SpooledBatch batch)
    {
        batch = null!;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderBytes + 4 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (length < 0 || length > MaxBatchBytes || bytes.Length != HeaderBytes + length + 4 ||
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(HeaderBytes + length)) != Crc32C(bytes.AsSpan(0, HeaderBytes + length)))
        {
            return false;
        }

        try
        {
            var parsed = ProfileBatch.Parser.ParseFrom(bytes.AsSpan(HeaderBytes, length));
            if (parsed.Sequence != sequence)
            {
                return false;
            }

            var appended = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(4)));
            batch = new SpooledBatch(sequence, parsed, appended);
            return true;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static string PathOf(string directory, ulong sequence) =>
        Path.Combine(directory, sequence.ToString("D20", CultureInfo.InvariantCulture) + Suffix);

    private static void WriteDurably(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    // CRC-32C with the CPU's instruction where it has one (the BCL falls back to software otherwise).
    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = ~0u;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }
}
