using Microsoft.Win32.SafeHandles;

namespace ShadowAgent.Taps.Probes;

/// <summary>
/// Reads small kernel files (/proc, cgroupfs) into one reusable buffer: the file is opened, read from offset 0
/// until the kernel has nothing more, and closed, each sample. The buffer doubles when a file fills it (a
/// /proc/stat of many CPUs), so a steady probe allocates only the file handle.
/// </summary>
internal sealed class ProbeFile
{
    private byte[] _buffer;

    public ProbeFile(int initialBytes = 16 * 1024)
    {
        _buffer = new byte[initialBytes];
    }

    /// <summary>The file's content, valid until the next read; false when it is missing or unreadable.</summary>
    public bool TryRead(string path, out ReadOnlySpan<byte> content)
    {
        content = default;
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        using (handle)
        {
            var length = 0;
            try
            {
                while (true)
                {
                    if (length == _buffer.Length)
                    {
                        Array.Resize(ref _buffer, _buffer.Length * 2);
                    }

                    // Kernel files have no reliable size; they are read at increasing offsets until a read returns 0.
                    var n = RandomAccess.Read(handle, _buffer.AsSpan(length), length);
                    if (n == 0)
                    {
                        break;
                    }

                    length += n;
                }
            }
            catch (IOException)
            {
                return false;
            }

            content = _buffer.AsSpan(0, length);
            return true;
        }
    }
}
