using System.Buffers.Text;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// Converts a JSON number token to a double. Most numbers in records are short decimals (latencies, sizes,
/// status codes); for those Clinger's fast path is exact: when the decimal significand fits in 53 bits and
/// the power of ten is at most 22, both are exactly representable and one IEEE multiplication or division
/// rounds correctly (W. D. Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990). Everything
/// else goes to the general parser.
/// </summary>
internal static class FastDouble
{
    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    private const ulong MaxExactSignificand = 1UL << 53;

    /// <summary>Parses a token the JSON reader has already validated as a number.</summary>
    public static bool TryParse(ReadOnlySpan<byte> token, out double value)
    {
        var i = 0;
        var negative = false;
        if ((uint)i < (uint)token.Length && token[i] == (byte)'-')
        {
            negative = true;
            i++;
        }

        ulong significand = 0;
        var digits = 0;
        var scale = 0;
        while ((uint)i < (uint)token.Length && IsDigit(token[i]))
        {
            significand = (significand * 10) + (uint)(token[i] - '0');
            digits++;
            i++;
        }

        if ((uint)i < (uint)token.Length && token[i] == (byte)'.')
        {
            i++;
            while ((uint)i < (uint)token.Length && IsDigit(token[i]))
            {
                significand = (significand * 10) + (uint)(token[i] - '0');
                digits++;
                scale--;
                i++;
            }
        }

        // 19 digits always fit in a ulong; an exponent or more digits take the general path.
        if (i != token.Length || digits > 19 || significand > MaxExactSignificand || scale < -22)
        {
            return Utf8Parser.TryParse(token, out value, out var consumed) && consumed == token.Length;
        }

        value = scale == 0 ? significand : significand / PowersOfTen[-scale];
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
