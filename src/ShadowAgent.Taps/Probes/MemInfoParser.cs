namespace ShadowAgent.Taps.Probes;

/// <summary>MemTotal and MemAvailable of /proc/meminfo, in bytes (the file says kB and means KiB).</summary>
internal static class MemInfoParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, out ulong totalBytes, out ulong availableBytes)
    {
        totalBytes = 0;
        availableBytes = 0;
        var found = 0;
        while (found != 3 && ProcText.NextLine(ref text, out var line))
        {
            if (!ProcText.NextToken(ref line, out var name))
            {
                continue;
            }

            if (name.SequenceEqual("MemTotal:"u8))
            {
                if (!ProcText.NextUInt64(ref line, out totalBytes))
                {
                    return false;
                }

                totalBytes *= 1024;
                found |= 1;
            }
            else if (name.SequenceEqual("MemAvailable:"u8))
            {
                if (!ProcText.NextUInt64(ref line, out availableBytes))
                {
                    return false;
                }

                availableBytes *= 1024;
                found |= 2;
            }
        }

        return found == 3 && availableBytes <= totalBytes;
    }
}
