using ShadowAgent.Core.Streams;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// Reads a record's event time from the raw bytes of its JSON token into Unix milliseconds, without
/// allocating and without culture: the tap calls this once per record.
/// </summary>
/// <remarks>
/// <para>
/// Strings: RFC 3339 date-times, <c>YYYY-MM-DD(T|t| )hh:mm:ss[.f…](Z|z|±hh:mm|±hhmm)</c>. The fraction may
/// have any number of digits and is truncated to milliseconds. A time without an offset is rejected: a
/// local time names a different instant on every host. Second 60 is accepted only where a leap second can
/// be, at 23:59:60 UTC, and reads as 23:59:59.999 so the record stays inside the day and the window it
/// was written in. A string that is not date-shaped (no '-' after four digits) is read as a quoted number.
/// </para>
/// <para>
/// Numbers: <c>-?digits[.digits][(e|E)[+-]digits]</c> in the configured unit; with
/// <see cref="EventTimeFormat.Auto"/> the unit comes from the magnitude: |v| &lt; 1e11 seconds, &lt; 1e14
/// milliseconds, &lt; 1e17 microseconds, else nanoseconds. Read that way every unit covers 1973-03-03 to
/// 5138-11-16 (seconds also 1970 to 1973), so a plausible timestamp never lands in the wrong unit. The
/// value is converted exactly in decimal (no floating point) and rounded toward negative infinity, like
/// the truncated fraction of a string before 1970.
/// </para>
/// <para>
/// Every accepted instant lies in 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z, the range of
/// <see cref="DateTimeOffset"/>, so the result always converts. An explicit unit rejects date strings and
/// <see cref="EventTimeFormat.Rfc3339"/> rejects numbers, quoted or not.
/// </para>
/// </remarks>
internal static class EventTimeParser
{
    /// <summary>0001-01-01T00:00:00.000Z.</summary>
    public const long MinUnixMs = -62_135_596_800_000;

    /// <summary>9999-12-31T23:59:59.999Z.</summary>
    public const long MaxUnixMs = 253_402_300_799_999;

    private const int SecondsPerDay = 86_400;

    /// <summary>Shortest RFC 3339 date-time: <c>YYYY-MM-DDThh:mm:ssZ</c>.</summary>
    private const int MinDateTimeLength = 20;

    /// <param name="raw">The token's bytes: <c>ValueSpan</c> of a number or an unescaped string.</param>
    /// <param name="isString">Whether the token was a JSON string (quoted).</param>
    /// <param name="format">How the stream writes its event time.</param>
    /// <param name="unixMs">Milliseconds since 1970-01-01T00:00:00Z; 0 when the token is rejected.</param>
    public static bool TryParse(ReadOnlySpan<byte> raw, bool isString, EventTimeFormat format, out long unixMs)
    {
        if (isString && (format == EventTimeFormat.Rfc3339 || (format == EventTimeFormat.Auto && IsDateShaped(raw))))
        {
            return TryParseDateTime(raw, out unixMs);
        }

        if (format == EventTimeFormat.Rfc3339)
        {
            unixMs = 0;
            return false;
        }

        return TryParseEpoch(raw, format, out unixMs);
    }

    private static bool IsDateShaped(ReadOnlySpan<byte> raw) => raw.Length > 4 && raw[4] == (byte)'-';

    private static bool TryParseDateTime(ReadOnlySpan<byte> s, out long unixMs)
    {
        unixMs = 0;
        if (s.Length < MinDateTimeLength)
        {
            return false;
        }

        var century = TwoDigits(s, 0);
        var yearOfCentury = TwoDigits(s, 2);
        var month = TwoDigits(s, 5);
        var day = TwoDigits(s, 8);
        var hour = TwoDigits(s, 11);
        var minute = TwoDigits(s, 14);
        var second = TwoDigits(s, 17);
        var separator = s[10];
        if ((century | yearOfCentury) < 0
            || s[4] != (byte)'-' || s[7] != (byte)'-' || s[13] != (byte)':' || s[16] != (byte)':'
            || (separator != (byte)'T' && separator != (byte)'t' && separator != (byte)' '))
        {
            return false;
        }

        // Negative (non-digit) fields wrap to large unsigned values and fail the same range checks.
        var year = (century * 100) + yearOfCentury;
        if (year == 0
            || (uint)(month - 1) > 11
            || (uint)(day - 1) >= (uint)DaysInMonth(year, month)
            || (uint)hour > 23
            || (uint)minute > 59
            || (uint)second > 60)
        {
            return false;
        }

        var i = 19;
        var millis = 0;
        if (s[i] == (byte)'.')
        {
            var start = ++i;
            while (i < s.Length && IsDigit(s[i]))
            {
                if (i - start < 3)
                {
                    millis = (millis * 10) + (s[i] - '0');
                }

                i++;
            }

            switch (i - start)
            {
                case 0: return false;
                case 1: millis *= 100; break;
                case 2: millis *= 10; break;
                default: break;
            }
        }

        if (!TryParseOffset(s[i..], out var offsetSeconds))
        {
            return false;
        }

        var leap = second == 60;
        if (leap)
        {
            second = 59;
        }

        var seconds = (DaysFromCivil(year, month, day) * SecondsPerDay)
            + (hour * 3600) + (minute * 60) + second - offsetSeconds;
        if (leap)
        {
            if ((((seconds % SecondsPerDay) + SecondsPerDay) % SecondsPerDay) != SecondsPerDay - 1)
            {
                return false;
            }

            millis = 999;
        }

        var result = (seconds * 1000) + millis;
        if (result is < MinUnixMs or > MaxUnixMs)
        {
            return false;
        }

        unixMs = result;
        return true;
    }

    /// <summary>Reads the whole rest of the string as 'Z' or ±hh:mm or ±hhmm; seconds east of UTC.</summary>
    private static bool TryParseOffset(ReadOnlySpan<byte> s, out int offsetSeconds)
    {
        offsetSeconds = 0;
        if (s.Length == 1)
        {
            return (s[0] | 0x20) == (byte)'z';
        }

        int hours, minutes;
        if (s.Length == 6 && s[3] == (byte)':')
        {
            hours = TwoDigits(s, 1);
            minutes = TwoDigits(s, 4);
        }
        else if (s.Length == 5)
        {
            hours = TwoDigits(s, 1);
            minutes = TwoDigits(s, 3);
        }
        else
        {
            return false;
        }

        var sign = s[0] switch
        {
            (byte)'+' => 1,
            (byte)'-' => -1,
            _ => 0,
        };
        if (sign == 0 || (uint)hours > 23 || (uint)minutes > 59)
        {
            return false;
        }

        offsetSeconds = sign * ((hours * 3600) + (minutes * 60));
        return true;
    }

    private static bool TryParseEpoch(ReadOnlySpan<byte> s, EventTimeFormat format, out long unixMs)
    {
        unixMs = 0;
        var i = 0;
        var negative = s.Length > 0 && s[0] == (byte)'-';
        if (negative)
        {
            i++;
        }

        var intStart = i;
        while (i < s.Length && IsDigit(s[i]))
        {
            i++;
        }

        var integer = s[intStart..i];
        var fraction = ReadOnlySpan<byte>.Empty;
        if (integer.IsEmpty)
        {
            return false;
        }

        if (i < s.Length && s[i] == (byte)'.')
        {
            var fracStart = ++i;
            while (i < s.Length && IsDigit(s[i]))
            {
                i++;
            }

            fraction = s[fracStart..i];
            if (fraction.IsEmpty)
            {
                return false;
            }
        }

        long exponent = 0;
        if (i < s.Length && (s[i] | 0x20) == (byte)'e')
        {
            i++;
            var exponentNegative = false;
            if (i < s.Length && (s[i] == (byte)'+' || s[i] == (byte)'-'))
            {
                exponentNegative = s[i] == (byte)'-';
                i++;
            }

            var expStart = i;
            while (i < s.Length && IsDigit(s[i]))
            {
                // Any exponent past this moves every digit out of range (or below a millisecond) anyway.
                if (exponent < 100_000)
                {
                    exponent = (exponent * 10) + (s[i] - '0');
                }

                i++;
            }

            if (i == expStart)
            {
                return false;
            }

            if (exponentNegative)
            {
                exponent = -exponent;
            }
        }

        if (i != s.Length)
        {
            return false;
        }

        // Power of ten that turns the token's unit into milliseconds.
        int toMillis;
        switch (format)
        {
            case EventTimeFormat.UnixSeconds: toMillis = 3; break;
            case EventTimeFormat.UnixMilliseconds: toMillis = 0; break;
            case EventTimeFormat.UnixMicroseconds: toMillis = -3; break;
            case EventTimeFormat.UnixNanoseconds: toMillis = -6; break;
            case EventTimeFormat.Auto: toMillis = AutoToMillis(IntegerDigitCount(integer, fraction, exponent)); break;
            default: return false;
        }

        // The first `cut` digits of integer+fraction make up whole milliseconds; the rest only decide the
        // rounding of a negative value.
        var cut = integer.Length + exponent + toMillis;
        var limit = negative ? (ulong)-MinUnixMs : MaxUnixMs;
        ulong whole = 0;
        var belowMilli = false;
        if (!Accumulate(integer, ref cut, ref whole, ref belowMilli, limit)
            || !Accumulate(fraction, ref cut, ref whole, ref belowMilli, limit))
        {
            return false;
        }

        for (; cut > 0 && whole != 0; cut--)
        {
            whole *= 10;
            if (whole > limit)
            {
                return false;
            }
        }

        if (!negative)
        {
            unixMs = (long)whole;
            return true;
        }

        var result = -(long)whole - (belowMilli ? 1 : 0);
        if (result < MinUnixMs)
        {
            return false;
        }

        unixMs = result;
        return true;
    }

    private static bool Accumulate(ReadOnlySpan<byte> digits, ref long cut, ref ulong whole, ref bool belowMilli, ulong limit)
    {
        foreach (var c in digits)
        {
            var digit = (uint)(c - '0');
            if (cut > 0)
            {
                whole = (whole * 10) + digit;
                cut--;
                if (whole > limit)
                {
                    return false;
                }
            }
            else if (digit != 0)
            {
                belowMilli = true;
                return true;
            }
        }

        return true;
    }

    /// <summary>Digits left of the point in |value|, leading zeros not counted: n digits means |v| &lt; 10^n.</summary>
    private static long IntegerDigitCount(ReadOnlySpan<byte> integer, ReadOnlySpan<byte> fraction, long exponent)
    {
        var firstNonZero = integer.IndexOfAnyExcept((byte)'0');
        if (firstNonZero < 0)
        {
            var inFraction = fraction.IndexOfAnyExcept((byte)'0');
            if (inFraction < 0)
            {
                return 0;
            }

            firstNonZero = integer.Length + inFraction;
        }

        return Math.Max(0, integer.Length + exponent - firstNonZero);
    }

    private static int AutoToMillis(long integerDigits) => integerDigits switch
    {
        <= 11 => 3,
        <= 14 => 0,
        <= 17 => -3,
        _ => -6,
    };

    /// <summary>Two ASCII digits at <paramref name="at"/>, or a negative number when either is not a digit.</summary>
    private static int TwoDigits(ReadOnlySpan<byte> s, int at)
    {
        var tens = (uint)(s[at] - '0');
        var ones = (uint)(s[at + 1] - '0');
        return tens > 9 || ones > 9 ? -1 : (int)((tens * 10) + ones);
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static int DaysInMonth(int year, int month) => month == 2
        ? (IsLeapYear(year) ? 29 : 28)
        : 30 + ((month + (month >> 3)) & 1);

    private static bool IsLeapYear(int year) => (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);

    /// <summary>
    /// Days since 1970-01-01 of a proleptic Gregorian date: Howard Hinnant, "chrono-Compatible Low-Level Date
    /// Algorithms", days_from_civil. Years here are 1..9999, so the era is never negative.
    /// </summary>
    private static long DaysFromCivil(int year, int month, int day)
    {
        var y = month <= 2 ? year - 1 : year;
        var era = y / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return ((long)era * 146_097) + dayOfEra - 719_468;
    }
}
