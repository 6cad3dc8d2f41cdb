namespace ShadowAgent.Taps.Probes;

/// <summary>
/// Bytes read and written of /proc/diskstats ("major minor name reads merged sectors_read ms writes merged
/// sectors_written ..."), summed over the whole disks the caller names, so partitions, loop and device-mapper
/// devices are not counted twice. Sectors are 512 bytes whatever the device's own sector size.
/// </summary>
internal static class DiskStatsParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, IReadOnlyList<byte[]> disks, out ulong readBytes, out ulong writtenBytes)
    {
        readBytes = 0;
        writtenBytes = 0;
        while (ProcText.NextLine(ref text, out var line))
        {
            if (ProcText.Trim(line).IsEmpty)
            {
                continue;
            }

            if (!ProcText.NextToken(ref line, out _) || !ProcText.NextToken(ref line, out _) || !ProcText.NextToken(ref line, out var name))
            {
                return false;
            }

            if (!Contains(disks, name))
            {
                continue;
            }

            if (!ProcText.NextToken(ref line, out _) || !ProcText.NextToken(ref line, out _) || !ProcText.NextUInt64(ref line, out var sectorsRead)
                || !ProcText.NextToken(ref line, out _) || !ProcText.NextToken(ref line, out _) || !ProcText.NextToken(ref line, out _)
                || !ProcText.NextUInt64(ref line, out var sectorsWritten))
            {
                return false;
            }

            readBytes += sectorsRead * 512;
            writtenBytes += sectorsWritten * 512;
        }

        return true;
    }

    private static bool Contains(IReadOnlyList<byte[]> disks, ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < disks.Count; i++)
        {
            if (name.SequenceEqual(disks[i]))
            {
                return true;
            }
        }

        return false;
    }
}
