using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Benchmarks.Taps;

/// <summary>
/// ns per event-time parse, as the tap calls it once per record: RFC 3339 with milliseconds and 'Z', RFC 3339
/// with microseconds and an offset, and a Unix-milliseconds number, read with Auto (the default) and with the
/// unit configured. Each invocation parses a batch of distinct timestamps a few milliseconds apart, like a
/// stream's consecutive records.
/// </summary>
[MemoryDiagnoser]
public class EventTimeBenchmarks
{
    private const int Batch = 1024;

    private byte[][] _rfc3339Z = [];
    private byte[][] _rfc3339Offset = [];
    private byte[][] _unixMs = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var start = new DateTimeOffset(2024, 11, 24, 12, 26, 40, TimeSpan.Zero).ToUnixTimeMilliseconds();
        _rfc3339Z = new byte[Batch][];
        _rfc3339Offset = new byte[Batch][];
        _unixMs = new byte[Batch][];
        var ms = start;
        for (var i = 0; i < Batch; i++)
        {
            ms += random.Next(0, 50);
            var instant = DateTimeOffset.FromUnixTimeMilliseconds(ms).AddTicks(random.Next(0, 10_000));
            _rfc3339Z[i] = Ascii(instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            _rfc3339Offset[i] = Ascii(instant.ToOffset(TimeSpan.FromHours(-5)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture));
            _unixMs[i] = Ascii(ms.ToString(CultureInfo.InvariantCulture));
        }

        static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Rfc3339MillisZ() => ParseAll(_rfc3339Z, isString: true, EventTimeFormat.Auto);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Rfc3339MicrosOffset() => ParseAll(_rfc3339Offset, isString: true, EventTimeFormat.Auto);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long UnixMsNumberAuto() => ParseAll(_unixMs, isString: false, EventTimeFormat.Auto);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long UnixMsNumber() => ParseAll(_unixMs, isString: false, EventTimeFormat.UnixMilliseconds);

    private static long ParseAll(byte[][] inputs, bool isString, EventTimeFormat format)
    {
        long sum = 0;
        foreach (var input in inputs)
        {
            if (!EventTimeParser.TryParse(input, isString, format, out var unixMs))
            {
                throw new InvalidOperationException("benchmark input rejected");
            }

            sum += unixMs;
        }

        return sum;
    }
}
