namespace ShadowAgent.Taps.Probes;

/// <summary>
/// The "some avg10" of a pressure-stall file (/proc/pressure/cpu, a cgroup's cpu.pressure): the percentage of
/// the last ten seconds in which at least one task waited for the resource.
/// </summary>
internal static class PressureParser
{
    public static bool TryParseSomeAvg10(ReadOnlySpan<byte> text, out double percent)
    {
        percent = 0;
        while (ProcText.NextLine(ref text, out var line))
        {
            if (!ProcText.NextToken(ref line, out var kind) || !kind.SequenceEqual("some"u8))
            {
                continue;
            }

            while (ProcText.NextToken(ref line, out var pair))
            {
                if (pair.StartsWith("avg10="u8))
                {
                    return ProcText.TryParseDouble(pair["avg10=".Length..], out percent) && percent is >= 0 and <= 100;
                }
            }

            return false;
        }

        return false;
    }
}
