using System.Globalization;
using System.Text;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Tests.Parsing;

public sealed class EventTimeParserTests
{
    private const EventTimeFormat Auto = EventTimeFormat.Auto;
    private const EventTimeFormat Rfc = EventTimeFormat.Rfc3339;
    private const EventTimeFormat S = EventTimeFormat.UnixSeconds;
    private const EventTimeFormat Ms = EventTimeFormat.UnixMilliseconds;
    private const EventTimeFormat Us = EventTimeFormat.UnixMicroseconds;
    private const EventTimeFormat Ns = EventTimeFormat.UnixNanoseconds;

    private static readonly EventTimeFormat[] Units = [S, Ms, Us, Ns];

    [Theory]
    // RFC 3339 shapes.
    [InlineData("2024-11-24T12:26:40Z", Rfc, "2024-11-24T12:26:40.000Z")]
    [InlineData("2024-11-24T12:26:40Z", Auto, "2024-11-24T12:26:40.000Z")]
    [InlineData("2024-11-24t12:26:40z", Auto, "2024-11-24T12:26:40.000Z")]
    [InlineData("2024-11-24 12:26:40Z", Auto, "2024-11-24T12:26:40.000Z")]
    [InlineData("2024-11-24T12:26:40.1Z", Auto, "2024-11-24T12:26:40.100Z")]
    [InlineData("2024-11-24T12:26:40.12Z", Auto, "2024-11-24T12:26:40.120Z")]
    [InlineData("2024-11-24T12:26:40.123Z", Auto, "2024-11-24T12:26:40.123Z")]
    [InlineData("2024-11-24T12:26:40.1239Z", Auto, "2024-11-24T12:26:40.123Z")]
    [InlineData("2024-11-24T12:26:40.999999999999999999999999Z", Auto, "2024-11-24T12:26:40.999Z")]
    [InlineData("2024-11-24T12:26:40.000Z", Auto, "2024-11-24T12:26:40.000Z")]
    [InlineData("2024-11-24T14:26:40+02:00", Auto, "2024-11-24T12:26:40.000Z")]
    [InlineData("2024-11-24T14:26:40+0200", Auto, "2024-11-24T12:26:40.000Z")]
    [InlineData("2024-11-24T07:56:40.5-04:30", Auto, "2024-11-24T12:26:40.500Z")]
    [InlineData("2024-11-24T07:56:40.5-0430", Auto, "2024-11-24T12:26:40.500Z")]
    [InlineData("2024-11-24T12:26:40-00:00", Auto, "2024-11-24T12:26:40.000Z")]
    [InlineData("2024-11-25T12:25:40+23:59", Auto, "2024-11-24T12:26:40.000Z")]
    [InlineData("2024-11-23T12:27:40-23:59", Auto, "2024-11-24T12:26:40.000Z")]
    [InlineData("2025-01-01T00:30:00+01:00", Auto, "2024-12-31T23:30:00.000Z")]
    // Calendar edges.
    [InlineData("2024-02-29T00:00:00Z", Auto, "2024-02-29T00:00:00.000Z")]
    [InlineData("2000-02-29T00:00:00Z", Auto, "2000-02-29T00:00:00.000Z")]
    [InlineData("1970-01-01T00:00:00Z", Auto, "1970-01-01T00:00:00.000Z")]
    [InlineData("1969-12-31T23:59:59.9999Z", Auto, "1969-12-31T23:59:59.999Z")]
    [InlineData("0001-01-01T00:00:00Z", Auto, "0001-01-01T00:00:00.000Z")]
    [InlineData("9999-12-31T23:59:59.999999Z", Auto, "9999-12-31T23:59:59.999Z")]
    [InlineData("0001-01-01T00:00:00-01:00", Auto, "0001-01-01T01:00:00.000Z")]
    // Leap second: only at 23:59:60 UTC, read as the last millisecond of the day.
    [InlineData("2016-12-31T23:59:60Z", Auto, "2016-12-31T23:59:59.999Z")]
    [InlineData("2016-12-31T23:59:60.5Z", Auto, "2016-12-31T23:59:59.999Z")]
    [InlineData("2017-01-01T00:59:60+01:00", Auto, "2016-12-31T23:59:59.999Z")]
    [InlineData("2016-12-31T18:29:60-05:30", Auto, "2016-12-31T23:59:59.999Z")]
    [InlineData("1969-12-31T23:59:60Z", Auto, "1969-12-31T23:59:59.999Z")]
    public void TryParse_ValidDateTime_ReturnsInstant(string text, EventTimeFormat format, string expectedUtc)
    {
        Assert.True(Parse(text, isString: true, format, out var unixMs), text);
        Assert.Equal(Utc(expectedUtc), unixMs);
    }

    [Theory]
    [InlineData("1732450000", false, S, 1_732_450_000_000L)]
    [InlineData("1732450000", false, Auto, 1_732_450_000_000L)]
    [InlineData("1732450000.123", false, Auto, 1_732_450_000_123L)]
    [InlineData("1732450000.1239", false, S, 1_732_450_000_123L)]
    [InlineData("1732450000.5", false, S, 1_732_450_000_500L)]
    [InlineData("1732450000123", false, Ms, 1_732_450_000_123L)]
    [InlineData("1732450000123", false, Auto, 1_732_450_000_123L)]
    [InlineData("1732450000123", true, Auto, 1_732_450_000_123L)]
    [InlineData("1732450000123", true, Ms, 1_732_450_000_123L)]
    [InlineData("1732450000123.9", false, Ms, 1_732_450_000_123L)]
    [InlineData("1732450000123456", false, Us, 1_732_450_000_123L)]
    [InlineData("1732450000123456", false, Auto, 1_732_450_000_123L)]
    [InlineData("1732450000123456789", false, Ns, 1_732_450_000_123L)]
    [InlineData("1732450000123456789", false, Auto, 1_732_450_000_123L)]
    [InlineData("1732450000123456789", true, Auto, 1_732_450_000_123L)]
    [InlineData("1.732450000123e9", false, Auto, 1_732_450_000_123L)]
    [InlineData("1.732450000123E+12", false, Auto, 1_732_450_000_123L)]
    [InlineData("17324500001230e-1", false, Ms, 1_732_450_000_123L)]
    [InlineData("1732450000123456789000e-3", false, Ns, 1_732_450_000_123L)]
    [InlineData("0", false, Auto, 0L)]
    [InlineData("-0", false, Auto, 0L)]
    [InlineData("0.0", false, S, 0L)]
    [InlineData("0e5", false, S, 0L)]
    [InlineData("0.0009", false, S, 0L)]
    [InlineData("000001732450000", true, S, 1_732_450_000_000L)]
    [InlineData("-1", false, S, -1_000L)]
    [InlineData("-1.5", false, S, -1_500L)]
    [InlineData("-0.0001", false, S, -1L)]
    [InlineData("-1", false, Us, -1L)]
    [InlineData("-1000", false, Us, -1L)]
    [InlineData("-1001", false, Us, -2L)]
    [InlineData("-62135596800", false, S, EventTimeParser.MinUnixMs)]
    [InlineData("-62135596800000", false, Ms, EventTimeParser.MinUnixMs)]
    [InlineData("253402300799.999", false, S, EventTimeParser.MaxUnixMs)]
    [InlineData("253402300799999", false, Ms, EventTimeParser.MaxUnixMs)]
    [InlineData("253402300799999999999", false, Ns, EventTimeParser.MaxUnixMs)]
    [InlineData("99999999999", false, Auto, 99_999_999_999_000L)]
    [InlineData("99999999999.999", false, Auto, 99_999_999_999_999L)]
    [InlineData("100000000000", false, Auto, 100_000_000_000L)]
    [InlineData("99999999999999", false, Auto, 99_999_999_999_999L)]
    [InlineData("100000000000000", false, Auto, 100_000_000_000L)]
    [InlineData("99999999999999999", false, Auto, 99_999_999_999_999L)]
    [InlineData("100000000000000000", false, Auto, 100_000_000_000L)]
    [InlineData("1e11", false, Auto, 100_000_000_000L)]
    [InlineData("0.99999999999e11", false, Auto, 99_999_999_999_000L)]
    [InlineData("-62135596800", false, Auto, EventTimeParser.MinUnixMs)]
    [InlineData("-100000000000000", false, Auto, -100_000_000_000L)]
    [InlineData("-100000000000", false, Auto, -100_000_000_000L)]
    public void TryParse_ValidEpoch_ReturnsMilliseconds(string text, bool isString, EventTimeFormat format, long expected)
    {
        Assert.True(Parse(text, isString, format, out var unixMs), text);
        Assert.Equal(expected, unixMs);
    }

    [Theory]
    // Empty and garbage.
    [InlineData("", true, Auto)]
    [InlineData("", false, Auto)]
    [InlineData("", true, Rfc)]
    [InlineData("", false, S)]
    [InlineData("now", true, Auto)]
    [InlineData("null", false, Auto)]
    // Bad calendar dates and times.
    [InlineData("2023-02-29T00:00:00Z", true, Auto)]
    [InlineData("1900-02-29T00:00:00Z", true, Auto)]
    [InlineData("2024-02-30T00:00:00Z", true, Auto)]
    [InlineData("2024-04-31T00:00:00Z", true, Auto)]
    [InlineData("2024-13-01T00:00:00Z", true, Auto)]
    [InlineData("2024-00-01T00:00:00Z", true, Auto)]
    [InlineData("2024-01-00T00:00:00Z", true, Auto)]
    [InlineData("2024-01-32T00:00:00Z", true, Auto)]
    [InlineData("2024-01-01T24:00:00Z", true, Auto)]
    [InlineData("2024-01-01T23:60:00Z", true, Auto)]
    [InlineData("2024-01-01T23:59:61Z", true, Auto)]
    [InlineData("0000-01-01T00:00:00Z", true, Auto)]
    // A leap second anywhere but 23:59:60 UTC.
    [InlineData("2016-12-31T23:58:60Z", true, Auto)]
    [InlineData("2016-12-31T12:59:60Z", true, Auto)]
    [InlineData("2016-12-31T23:59:60+01:00", true, Auto)]
    // Missing or malformed offset: a local time is ambiguous.
    [InlineData("2024-11-24T12:26:40", true, Auto)]
    [InlineData("2024-11-24T12:26:40.123", true, Auto)]
    [InlineData("2024-11-24T12:26:40+02", true, Auto)]
    [InlineData("2024-11-24T12:26:40+2:00", true, Auto)]
    [InlineData("2024-11-24T12:26:40+02:0", true, Auto)]
    [InlineData("2024-11-24T12:26:40+02-00", true, Auto)]
    [InlineData("2024-11-24T12:26:40+24:00", true, Auto)]
    [InlineData("2024-11-24T12:26:40+02:60", true, Auto)]
    [InlineData("2024-11-24T12:26:40*02:00", true, Auto)]
    [InlineData("2024-11-24T12:26:40UTC", true, Auto)]
    [InlineData("2024-11-24T12:26:40 Z", true, Auto)]
    // Shape.
    [InlineData("2024-11-24T12:26:40.Z", true, Auto)]
    [InlineData("2024-11-24T12:26:40,123Z", true, Auto)]
    [InlineData("2024-11-24X12:26:40Z", true, Auto)]
    [InlineData("2024-11-24T12:26Z", true, Auto)]
    [InlineData("2024-11-24", true, Auto)]
    [InlineData("2024-1-24T12:26:40Z", true, Auto)]
    [InlineData("2024/11/24T12:26:40Z", true, Auto)]
    [InlineData("20241124T122640Z", true, Auto)]
    [InlineData("2024-11-24T12:26:4OZ", true, Auto)]
    [InlineData("2O24-11-24T12:26:40Z", true, Auto)]
    [InlineData("-2024-11-24T12:26:40Z", true, Auto)]
    [InlineData("+2024-11-24T12:26:40Z", true, Auto)]
    [InlineData(" 2024-11-24T12:26:40Z", true, Auto)]
    [InlineData("2024-11-24T12:26:40Z ", true, Auto)]
    [InlineData("2024-11-24T12:26:40Zjunk", true, Auto)]
    [InlineData("2024-11-24T12:26:40.123Z0", true, Auto)]
    // Out of DateTimeOffset's range once the offset is applied.
    [InlineData("0001-01-01T00:30:00+01:00", true, Auto)]
    [InlineData("9999-12-31T23:30:00-01:00", true, Auto)]
    // Wrong kind for the configured format.
    [InlineData("1732450000", false, Rfc)]
    [InlineData("1732450000", true, Rfc)]
    [InlineData("2024-11-24T12:26:40Z", true, S)]
    [InlineData("2024-11-24T12:26:40Z", true, Ms)]
    [InlineData("2024-11-24T12:26:40Z", false, Auto)]
    [InlineData("1732450000", false, (EventTimeFormat)42)]
    // Numbers: syntax.
    [InlineData("-", false, S)]
    [InlineData("+1732450000", false, S)]
    [InlineData("1732450000.", false, S)]
    [InlineData(".5", false, S)]
    [InlineData("1e", false, S)]
    [InlineData("1e+", false, S)]
    [InlineData("1.5e-", false, S)]
    [InlineData("1732450000x", false, S)]
    [InlineData("1732450000 ", true, S)]
    [InlineData(" 1732450000", true, S)]
    [InlineData("17324500,00", true, S)]
    [InlineData("--1", false, S)]
    [InlineData("0x10", true, S)]
    [InlineData("NaN", false, Auto)]
    [InlineData("NaN", true, S)]
    [InlineData("Infinity", false, Auto)]
    [InlineData("-Infinity", true, Ms)]
    [InlineData("1e400", false, Auto)]
    [InlineData("1e99999999999999999999", false, S)]
    // Numbers: beyond 0001-01-01 .. 9999-12-31.
    [InlineData("253402300800", false, S)]
    [InlineData("253402300800000", false, Ms)]
    [InlineData("253402300800000000", false, Us)]
    [InlineData("253402300800000000000", false, Ns)]
    [InlineData("-62135596800.001", false, S)]
    [InlineData("-62135596800000.5", false, Ms)]
    [InlineData("-62135596801", false, S)]
    [InlineData("18446744073709551616", false, Ms)]
    [InlineData("99999999999999999999999999999999999999", false, Ms)]
    [InlineData("-99999999999999999999999999999999999999", false, Ms)]
    [InlineData("-99999999999", false, Auto)]
    public void TryParse_Invalid_ReturnsFalse(string text, bool isString, EventTimeFormat format)
    {
        Assert.False(Parse(text, isString, format, out var unixMs), text);
        Assert.Equal(0, unixMs);
    }

    [Fact]
    public void TryParse_EveryDayOfTheCalendar_MatchesDateTimeOffset()
    {
        var buffer = new byte[32];
        for (var day = new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc); ; day = day.AddDays(1))
        {
            var length = Encoding.ASCII.GetBytes(day.ToString("yyyy-MM-dd'T'12:34:56'Z'", CultureInfo.InvariantCulture), buffer);
            Assert.True(EventTimeParser.TryParse(buffer.AsSpan(0, length), isString: true, Rfc, out var unixMs));
            Assert.Equal(new DateTimeOffset(day.AddHours(12).AddMinutes(34).AddSeconds(56)).ToUnixTimeMilliseconds(), unixMs);

            if (day.Day == DateTime.DaysInMonth(day.Year, day.Month))
            {
                // The day after the last of the month does not exist.
                var next = (day.Day + 1).ToString("00", CultureInfo.InvariantCulture);
                buffer[8] = (byte)next[0];
                buffer[9] = (byte)next[1];
                Assert.False(EventTimeParser.TryParse(buffer.AsSpan(0, length), isString: true, Rfc, out _));
            }

            if (day.Year == 9999 && day.Month == 12 && day.Day == 31)
            {
                break;
            }
        }
    }

    [Fact]
    public void TryParse_RandomDateTimes_MatchDateTimeOffsetParse()
    {
        var random = new Random(20241124);
        var epochTicks = DateTimeOffset.UnixEpoch.UtcTicks;
        for (var n = 0; n < 100_000; n++)
        {
            // Two thirds in the years logs are written in, the rest anywhere DateTimeOffset reaches.
            var utcTicks = n % 3 != 0
                ? random.NextInt64(new DateTime(1973, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks)
                : random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks);
            var offset = TimeSpan.FromMinutes(random.Next(-14 * 60, (14 * 60) + 1));
            var localTicks = utcTicks + offset.Ticks;
            if (localTicks < DateTime.MinValue.Ticks || localTicks > DateTime.MaxValue.Ticks)
            {
                offset = TimeSpan.Zero;
                localTicks = utcTicks;
            }

            var local = new DateTimeOffset(new DateTime(localTicks), offset);
            var fractionDigits = random.Next(0, 8);
            var useZ = offset == TimeSpan.Zero && random.Next(2) == 0;
            var text = new StringBuilder()
                .Append(local.ToString(random.Next(4) == 0 ? "yyyy-MM-dd' 'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture))
                .Append(fractionDigits == 0 ? "" : "." + (localTicks % TimeSpan.TicksPerSecond).ToString("0000000", CultureInfo.InvariantCulture)[..fractionDigits])
                .Append(useZ ? "Z" : local.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", random.Next(3) == 0 ? "" : ":", StringComparison.Ordinal))
                .ToString();

            var expected = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
            Assert.True(Parse(text, isString: true, n % 2 == 0 ? Auto : Rfc, out var unixMs), text);
            Assert.True(expected == unixMs, $"{text}: {unixMs}, DateTimeOffset says {expected}");

            // Round trip: the instant written, truncated to the fraction digits kept, then to milliseconds.
            var keptTicks = utcTicks - (utcTicks % (long)Math.Pow(10, 7 - fractionDigits));
            Assert.Equal((keptTicks / TimeSpan.TicksPerMillisecond) - (epochTicks / TimeSpan.TicksPerMillisecond), unixMs);
        }
    }

    [Fact]
    public void TryParse_RandomEpochNumbers_MatchDecimalArithmetic()
    {
        var random = new Random(1732450000);
        for (var n = 0; n < 100_000; n++)
        {
            var ms = n % 4 == 0
                ? random.NextInt64(EventTimeParser.MinUnixMs, EventTimeParser.MaxUnixMs + 1)
                : random.NextInt64(100_000_000_000, 4_102_444_800_000); // 1973 .. 2100, where Auto can tell units apart
            var unit = Units[n % Units.Length];
            var text = EpochText(random, ms, unit);
            var isString = random.Next(4) == 0;

            var exact = decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) * MillisPerUnit(unit);
            var expected = (long)decimal.Floor(exact);
            Assert.True(Parse(text, isString, unit, out var unixMs), $"{text} {unit}");
            Assert.True(expected == unixMs, $"{text} {unit}: {unixMs}, decimal says {expected}");

            // The text was written from ms in that unit, so it reads back to ms exactly.
            Assert.Equal(ms, unixMs);
            Assert.Equal(ms, DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToUnixTimeMilliseconds());

            if (ms >= 100_000_000_000 && ms < 100_000_000_000_000)
            {
                Assert.True(Parse(text, isString, Auto, out var autoMs), $"{text} Auto");
                Assert.True(ms == autoMs, $"{text} Auto read {autoMs}, written as {unit} from {ms}");
            }
        }
    }

    [Theory]
    // The last value read in one unit and the first read in the next, written in every way a number can be.
    [InlineData("99999999999", 99_999_999_999_000L)]
    [InlineData("99999999999.9999", 99_999_999_999_999L)]
    [InlineData("9.9999999999e10", 99_999_999_999_000L)]
    [InlineData("100000000000", 100_000_000_000L)]
    [InlineData("1.0e11", 100_000_000_000L)]
    [InlineData("100000000000.0", 100_000_000_000L)]
    [InlineData("00100000000000", 100_000_000_000L)]
    [InlineData("99999999999999", 99_999_999_999_999L)]
    [InlineData("99999999999999.999", 99_999_999_999_999L)]
    [InlineData("100000000000000", 100_000_000_000L)]
    [InlineData("1e14", 100_000_000_000L)]
    [InlineData("99999999999999999", 99_999_999_999_999L)]
    [InlineData("99999999999999999.9", 99_999_999_999_999L)]
    [InlineData("100000000000000000", 100_000_000_000L)]
    [InlineData("1e17", 100_000_000_000L)]
    [InlineData("9223372036854775807", 9_223_372_036_854L)]
    public void TryParse_AutoUnitBoundaries_PickUnitByMagnitude(string text, long expected)
    {
        Assert.True(Parse(text, isString: false, Auto, out var unixMs), text);
        Assert.Equal(expected, unixMs);
        Assert.True(Parse(text, isString: true, Auto, out var quoted), text);
        Assert.Equal(expected, quoted);

        // Negated, the same unit applies; the top of the seconds band is then before year 1.
        var negativeAccepted = Parse("-" + text, isString: false, Auto, out var negative);
        Assert.Equal(expected <= -EventTimeParser.MinUnixMs, negativeAccepted);
        Assert.True(!negativeAccepted || negative == -expected || negative == -expected - 1, $"-{text}: {negative}");
    }

    [Fact]
    public void TryParse_AutoUnits_CoverTheSameYears()
    {
        // Each unit's lowest Auto value is 1973-03-03T09:46:40Z and its highest lands on 5138-11-16.
        var low = Utc("1973-03-03T09:46:40.000Z");
        Assert.Equal(low, Read("100000000000"));
        Assert.Equal(low, Read("100000000000000"));
        Assert.Equal(low, Read("100000000000000000"));
        Assert.Equal(low, Read("100000000"));
        foreach (var highest in new[] { "99999999999", "99999999999999", "99999999999999999" })
        {
            var date = DateTimeOffset.FromUnixTimeMilliseconds(Read(highest)).UtcDateTime;
            Assert.Equal(new DateTime(5138, 11, 16), date.Date);
        }

        static long Read(string text) => Parse(text, isString: false, Auto, out var ms) ? ms : long.MinValue;
    }

    [Fact]
    public void TryParse_ManyInputs_AllocatesNothing()
    {
        byte[][] inputs =
        [
            "2024-11-24T12:26:40.123Z"u8.ToArray(),
            "2024-11-24T14:26:40.123456+02:00"u8.ToArray(),
            "2024-11-24 14:26:40-0200"u8.ToArray(),
            "2016-12-31T23:59:60Z"u8.ToArray(),
            "2024-02-30T00:00:00Z"u8.ToArray(),
            "1732450000123"u8.ToArray(),
            "1732450000.123"u8.ToArray(),
            "1.732450000123e12"u8.ToArray(),
            "1732450000123456789"u8.ToArray(),
            "NaN"u8.ToArray(),
            "-62135596801"u8.ToArray(),
        ];
        EventTimeFormat[] formats = [Auto, Rfc, S, Ms, Us, Ns];

        long sum = 0;
        var accepted = 0;
        RunAll();
        var before = GC.GetAllocatedBytesForCurrentThread();
        RunAll();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(accepted > 0 && sum != 0);

        void RunAll()
        {
            for (var round = 0; round < 2_000; round++)
            {
                foreach (var input in inputs)
                {
                    foreach (var format in formats)
                    {
                        for (var s = 0; s < 2; s++)
                        {
                            if (EventTimeParser.TryParse(input, s == 1, format, out var ms))
                            {
                                sum += ms;
                                accepted++;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// ms written in a unit, as a plain decimal or with an exponent. A positive value may carry random digits
    /// below the millisecond (they only make it larger); a negative one is written exactly. Either way the
    /// value floors to ms.
    /// </summary>
    private static string EpochText(Random random, long ms, EventTimeFormat unit)
    {
        var negative = ms < 0;
        var sub = new StringBuilder();
        for (var i = negative ? 0 : random.Next(0, 7); i > 0; i--)
        {
            sub.Append((char)('0' + random.Next(10)));
        }

        var mantissa = Math.Abs(ms).ToString(CultureInfo.InvariantCulture) + sub;
        var exp10 = UnitsPerMilli(unit) - sub.Length;
        var body = random.Next(6) switch
        {
            0 => mantissa + "e" + exp10.ToString(CultureInfo.InvariantCulture),
            1 => mantissa[0] + (mantissa.Length > 1 ? "." + mantissa[1..] : "") + "E+" + (exp10 + mantissa.Length - 1).ToString(CultureInfo.InvariantCulture),
            _ => Plain(mantissa, exp10),
        };
        return negative ? "-" + body : body;

        static string Plain(string digits, int exp10)
        {
            if (exp10 >= 0)
            {
                return digits + new string('0', exp10);
            }

            var integerLength = digits.Length + exp10;
            return integerLength <= 0
                ? "0." + new string('0', -integerLength) + digits
                : digits[..integerLength] + "." + digits[integerLength..];
        }
    }

    /// <summary>Power of ten of the unit's count in one millisecond.</summary>
    private static int UnitsPerMilli(EventTimeFormat unit) => unit switch
    {
        EventTimeFormat.UnixSeconds => -3,
        EventTimeFormat.UnixMilliseconds => 0,
        EventTimeFormat.UnixMicroseconds => 3,
        _ => 6,
    };

    private static decimal MillisPerUnit(EventTimeFormat unit) => unit switch
    {
        EventTimeFormat.UnixSeconds => 1000m,
        EventTimeFormat.UnixMilliseconds => 1m,
        EventTimeFormat.UnixMicroseconds => 0.001m,
        _ => 0.000001m,
    };

    private static bool Parse(string text, bool isString, EventTimeFormat format, out long unixMs) =>
        EventTimeParser.TryParse(Encoding.UTF8.GetBytes(text), isString, format, out unixMs);

    private static long Utc(string iso) =>
        DateTimeOffset.ParseExact(iso, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();
}
