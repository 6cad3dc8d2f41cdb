namespace ShadowAgent.Taps.Probes;

/// <summary>
/// Received and transmitted bytes of /proc/net/dev summed over every interface but loopback. Two header lines,
/// then "  eth0: rx_bytes rx_packets ... (8 receive fields) tx_bytes ...".
/// </summary>
internal static class NetDevParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, out ulong rxBytes, out ulong txBytes)
    {
        rxBytes = 0;
        txBytes = 0;
        var lineNo = 0;
        while (ProcText.NextLine(ref text, out var line))
        {
            if (lineNo++ < 2)
            {
                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (colon < 0)
            {
                if (ProcText.Trim(line).IsEmpty)
                {
                    continue;
                }

                return false;
            }

            if (ProcText.Trim(line[..colon]).SequenceEqual("lo"u8))
            {
                continue;
            }

            var rest = line[(colon + 1)..];
            if (!ProcText.NextUInt64(ref rest, out var rx))
            {
                return false;
            }

            for (var i = 0; i < 7; i++)
            {
                if (!ProcText.NextToken(ref rest, out _))
                {
                    return false;
                }
            }

            if (!ProcText.NextUInt64(ref rest, out var tx))
            {
                return false;
            }

            rxBytes += rx;
            txBytes += tx;
        }

        return lineNo >= 2;
    }
}
