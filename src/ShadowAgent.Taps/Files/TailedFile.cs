using System.Buffers;
using Microsoft.Win32.SafeHandles;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Files;

/// <summary>
/// One open file being tailed: its identity, how far it was read, the start of its first line not yet complete,
/// and that partial line's bytes, which wait here (never counted) until the rest of the line is written. Owned by
/// the tap's poll loop only.
/// </summary>
internal sealed class TailedFile : IDisposable
{
    /// <summary>Bytes at the start of a file whose hash tells a truncated-and-rewritten file from the one read before.</summary>
    public const int HeadBytes = 64;

    private readonly NdJsonLineParser _parser;
    private byte[] _carry = [];
    private int _carryLength;

    public TailedFile(string path, FileIdentity identity, SafeFileHandle handle, NdJsonLineParser parser, long offset)
    {
        Path = path;
        Identity = identity;
        Handle = handle;
        _parser = parser;
        ReadOffset = offset;
        LineStart = offset;
    }

    /// <summary>The path the file was last seen under (it may have been renamed or deleted since).</summary>
    public string Path { get; set; }

    public FileIdentity Identity { get; }

    public SafeFileHandle Handle { get; }

    /// <summary>Next byte to read.</summary>
    public long ReadOffset { get; private set; }

    /// <summary>First byte of the first line not yet handed to the sink: what a checkpoint keeps.</summary>
    public long LineStart { get; private set; }

    public int HeadLength { get; private set; }

    public ulong HeadHash { get; private set; }

    /// <summary>No path names this file any more (renamed away or deleted): it is read to its end, then closed.</summary>
    public bool Orphaned { get; set; }

    /// <summary>
    /// Reads new bytes into <paramref name="buffer"/> after the waiting partial line and parses every complete line;
    /// returns the bytes read (0 at the end of the file). At most <paramref name="budget"/> bytes are read.
    /// </summary>
    public long ReadAvailable(byte[] buffer, long budget)
    {
        long total = 0;
        while (total < budget)
        {
            _carry.AsSpan(0, _carryLength).CopyTo(buffer);
            var read = RandomAccess.Read(Handle, buffer.AsSpan(_carryLength), ReadOffset);
            if (read <= 0)
            {
                break;
            }

            ReadOffset += read;
            total += read;
            var sequence = new ReadOnlySequence<byte>(buffer, 0, _carryLength + read);
            _parser.ParseBatch(ref sequence, isCompleted: false);
            Keep(sequence);
        }

        if (HeadLength < HeadBytes && ReadOffset > HeadLength)
        {
            UpdateHead();
        }

        return total;
    }

    /// <summary>The writer will not finish the waiting partial line (the file is closing): it is a record as it is.</summary>
    public void Finish()
    {
        if (_carryLength == 0 && _parser.DiscardedBytes < 0)
        {
            return;
        }

        var sequence = new ReadOnlySequence<byte>(_carry, 0, _carryLength);
        _parser.ParseBatch(ref sequence, isCompleted: true);
        _carryLength = 0;
        LineStart = ReadOffset;
    }

    /// <summary>The file was truncated (copytruncate) or rewritten: start over at its first byte, forgetting the partial line.</summary>
    public void Restart()
    {
        ReadOffset = 0;
        LineStart = 0;
        _carryLength = 0;
        HeadLength = 0;
        HeadHash = 0;
        _parser.Reset();
    }

    /// <summary>Whether the first bytes still hash as they did when read: false means the file was rewritten in place.</summary>
    public bool HeadUnchanged()
    {
        if (HeadLength == 0)
        {
            return true;
        }

        return TryHashHead(Handle, HeadLength, out var hash) && hash == HeadHash;
    }

    public static bool TryHashHead(SafeFileHandle handle, int length, out ulong hash)
    {
        Span<byte> head = stackalloc byte[HeadBytes];
        var read = RandomAccess.Read(handle, head[..length], 0);
        hash = KeyHash.Of(head[..read]);
        return read == length;
    }

    /// <summary>Sets the head hash from a checkpoint, after checking it against the file.</summary>
    public void AdoptHead(int length, ulong hash)
    {
        HeadLength = length;
        HeadHash = hash;
    }

    public void Dispose() => Handle.Dispose();

    private void Keep(in ReadOnlySequence<byte> rest)
    {
        var length = (int)rest.Length;
        if (_carry.Length < length)
        {
            _carry = new byte[Math.Max(length, Math.Min(_carry.Length * 2 + 256, int.MaxValue / 2))];
        }

        rest.CopyTo(_carry);
        _carryLength = length;
        var discarded = _parser.DiscardedBytes;
        LineStart = ReadOffset - length - (discarded > 0 ? discarded : 0);
    }

    private void UpdateHead()
    {
        var length = (int)Math.Min(HeadBytes, ReadOffset);
        if (TryHashHead(Handle, length, out var hash))
        {
            HeadLength = length;
            HeadHash = hash;
        }
    }
}
