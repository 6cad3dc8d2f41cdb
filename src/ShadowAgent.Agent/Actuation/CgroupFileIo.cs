using System.Globalization;
using System.Text;

namespace ShadowAgent.Agent.Actuation;

/// <summary>
/// Reads and writes cgroup control files. A value is written with one write() on a handle opened with O_TRUNC
/// and without O_CREAT (what a shell's "echo v > file" does), as the kernel expects: it parses each write on its
/// own and answers a bad or refused value with an error from that write (EINVAL, EBUSY), which surfaces here as
/// an IOException. The truncation matters only for ordinary files standing in for a cgroup in tests.
/// </summary>
internal static class CgroupFileIo
{
    public static string Read(string path) => File.ReadAllText(path).Trim();

    public static void Write(string path, string value)
    {
        using var handle = File.OpenHandle(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(handle, Encoding.ASCII.GetBytes(value), 0);
    }

    /// <summary>A number, or null for "max" / "-1" / v1's unlimited 2^63 rounded to pages.</summary>
    public static ulong? ParseLimit(string text)
    {
        if (text is "max" or "-1")
        {
            return null;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v < 1UL << 60 ? v : null;
    }

    public static ulong ParseUInt(string text, string path) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new IOException($"{path}: '{text}' is not a number");

    /// <summary>v2 cpu.max "quota period" or "max period".</summary>
    public static (ulong? Quota, ulong Period) ParseCpuMax(string text, string path)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var period) || period == 0)
        {
            throw new IOException($"{path}: '{text}' is not 'quota period'");
        }

        return (parts[0] == "max" ? null : ParseUInt(parts[0], path), period);
    }

    /// <summary>cgroup v1 cpu.shares for a v2 weight: the defaults line up (100 ↔ 1024), kernel range 2..262144.</summary>
    public static ulong WeightToShares(uint weight) => (ulong)Math.Clamp(Math.Round(weight * 1024.0 / 100), 2, 262_144);

    public static uint SharesToWeight(ulong shares) => (uint)Math.Clamp(Math.Round(shares * 100.0 / 1024), 1, 10_000);
}
