using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ShadowAgent.Taps.Files;

/// <summary>Which file a path or an open handle is: the device and inode pair that survives renames.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    public override string ToString() => $"{Device >> 32}:{(uint)Device}/{Inode}";
}

/// <summary>
/// Device, inode and size through Linux's statx(2), whose struct has the same layout on every architecture
/// (unlike stat's), so one blittable P/Invoke serves x64 and arm64 and no reflection is involved. .NET has no
/// public API for the inode, which is what tells a rotated file from its replacement.
/// </summary>
internal static partial class FileStat
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const uint StatxSize = 0x200;
    private const int StatxBytes = 256;

    private static readonly byte[] EmptyPath = [0];

    /// <summary>Identity and size of what <paramref name="path"/> names now (following symlinks); false when it is gone.</summary>
    public static bool TryStat(string path, out FileIdentity identity, out long size)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return TryStat(AtFdCwd, bytes, 0, out identity, out size);
    }

    /// <summary>Identity and size of an open file, even after it was renamed or deleted.</summary>
    public static bool TryStat(SafeFileHandle handle, out FileIdentity identity, out long size)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return TryStat((int)handle.DangerousGetHandle(), EmptyPath, AtEmptyPath, out identity, out size);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static bool TryStat(int dirFd, byte[] path, int flags, out FileIdentity identity, out long size)
    {
        var buffer = new byte[StatxBytes];
        if (statx(dirFd, path, flags, StatxIno | StatxSize, buffer) != 0)
        {
            identity = default;
            size = 0;
            return false;
        }

        // struct statx: stx_ino at 32, stx_size at 40, stx_dev_major at 136, stx_dev_minor at 140 (native byte order).
        var inode = MemoryMarshal.Read<ulong>(buffer.AsSpan(32));
        size = (long)MemoryMarshal.Read<ulong>(buffer.AsSpan(40));
        var major = MemoryMarshal.Read<uint>(buffer.AsSpan(136));
        var minor = MemoryMarshal.Read<uint>(buffer.AsSpan(140));
        identity = new FileIdentity(((ulong)major << 32) | minor, inode);
        return true;
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code (off in this repository); these arguments are all blittable.
    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, byte[] pathname, int flags, uint mask, byte[] statxbuf);
#pragma warning restore SYSLIB1054
}
