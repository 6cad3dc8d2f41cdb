using System.Buffers;
using System.Text;
using System.Text.Json;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Parsing;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Benchmarks.Taps;

/// <summary>
/// ~10,000 realistic NDJSON records (~150 bytes each, fixed seed) and the two ways of reading them that the
/// benchmark and the scenario compare: a bare Utf8JsonReader pass (the floor) and the tap's own parse loop.
/// </summary>
public sealed class TapParseWorkload
{
    public const int RecordCount = 10_000;

    private static readonly string[] Routes = ["/api/orders", "/api/orders/{id}", "/api/users/{id}", "/api/cart", "/health", "/api/search", "/api/checkout"];
    private static readonly string[] Regions = ["eu-west-1", "us-east-1", "ap-south-1", "eu-central-1"];

    private readonly NdJsonLineParser _parser;

    public TapParseWorkload()
    {
        Data = Build();
        Sequence = Segmented(Data, 64 * 1024);
        var fields = FieldTrie.Compile(["user.id", "route"], ["latency_ms"]);
        _parser = new NdJsonLineParser(new NdJsonFieldExtractor(fields), new NoOpSink(), new TapMetrics("bench"), 64 * 1024);
    }

    public byte[] Data { get; }

    /// <summary>The same bytes split into 64 KiB segments, as the tap's pipe holds them.</summary>
    public ReadOnlySequence<byte> Sequence { get; }

    /// <summary>Splits lines and reads every JSON token, nothing else. Returns the token count.</summary>
    public int BareReader()
    {
        ReadOnlySpan<byte> data = Data;
        var tokens = 0;
        int newline;
        while ((newline = data.IndexOf((byte)'\n')) >= 0)
        {
            var reader = new Utf8JsonReader(data[..newline]);
            while (reader.Read())
            {
                tokens++;
            }

            data = data[(newline + 1)..];
        }

        return tokens;
    }

    /// <summary>The tap's framing, extractor and sink calls over the whole buffer. Returns bytes left.</summary>
    public long TapParse()
    {
        var buffer = Sequence;
        _parser.ParseBatch(ref buffer, isCompleted: true);
        return buffer.Length;
    }

    private static byte[] Build()
    {
        var rng = new Random(20240611);
        var text = new StringBuilder();
        var ts = 1_718_000_000_000L;
        for (var i = 0; i < RecordCount; i++)
        {
            ts += rng.Next(0, 5);
            text.Append("{\"ts\":").Append(ts)
                .Append(",\"user\":{\"id\":\"u").Append(rng.Next(0, 50_000)).Append("\",\"tier\":\"").Append(rng.Next(0, 4) == 0 ? "gold" : "free").Append("\"}")
                .Append(",\"route\":\"").Append(Routes[rng.Next(Routes.Length)]).Append('"')
                .Append(",\"region\":\"").Append(Regions[rng.Next(Regions.Length)]).Append('"')
                .Append(",\"status\":").Append(rng.Next(0, 20) == 0 ? 503 : 200)
                .Append(",\"latency_ms\":").Append(Math.Round(rng.NextDouble() * 250, 2).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append(",\"bytes\":").Append(rng.Next(200, 20_000))
                .Append(",\"cached\":").Append(rng.Next(2) == 0 ? "true" : "false")
                .Append("}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static ReadOnlySequence<byte> Segmented(byte[] data, int segmentSize)
    {
        var first = new Segment(data.AsMemory(0, Math.Min(segmentSize, data.Length)), 0);
        var last = first;
        for (var offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            last = last.Append(data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    private sealed class NoOpSink : IRecordSink
    {
        public void BeginBatch()
        {
        }

        public void OnRecord(in RecordView record)
        {
        }

        public void OnError(RecordError error, int bytes)
        {
        }

        public void EndBatch()
        {
        }

        public void OnDropped(long records, long bytes)
        {
        }
    }
}
