namespace ShadowAgent.Taps.Probes;

/// <summary>The aggregate "cpu" line of /proc/stat, in clock ticks (USER_HZ) since boot.</summary>
internal readonly record struct CpuTimes(ulong Busy, ulong Total, int Cpus);

/// <summary>
/// Reads /proc/stat: the first line "cpu user nice system idle iowait irq softirq steal guest guest_nice" and the
/// number of "cpuN" lines. Idle time is idle + iowait; guest time is already inside user and nice, so it is not
/// added twice.
/// </summary>
internal static class CpuStatParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, out CpuTimes times)
    {
        times = default;
        if (!ProcText.NextLine(ref text, out var first) || !ProcText.NextToken(ref first, out var label) || !label.SequenceEqual("cpu"u8))
        {
            return false;
        }

        Span<ulong> fields = stackalloc ulong[8];
        var n = 0;
        while (n < fields.Length && ProcText.NextToken(ref first, out var token))
        {
            if (!ProcText.TryParseUInt64(token, out fields[n]))
            {
                return false;
            }

            n++;
        }

        // Kernels before 2.6.11 wrote four fields; everything since writes at least eight.
        if (n < 4)
        {
            return false;
        }

        ulong total = 0;
        for (var i = 0; i < n; i++)
        {
            total += fields[i];
        }

        var idle = fields[3] + (n > 4 ? fields[4] : 0);
        var cpus = 0;
        while (ProcText.NextLine(ref text, out var line))
        {
            if (line.Length > 3 && line.StartsWith("cpu"u8) && line[3] is >= (byte)'0' and <= (byte)'9')
            {
                cpus++;
            }
        }

        times = new CpuTimes(total - idle, total, cpus);
        return cpus > 0;
    }
}
