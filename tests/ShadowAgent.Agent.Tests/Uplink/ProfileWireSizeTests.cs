using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using ShadowAgent.Agent.Uplink;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Windowing;
using ShadowAgent.Protocol.V1;
using ShadowAgent.Testing;
using Xunit.Abstractions;

namespace ShadowAgent.Agent.Tests.Uplink;

/// <summary>
/// What one window of one stream costs on the wire with the default precision and three key fields: the
/// profile as protobuf, and as the uplink sends it (gRPC messages gzip-compressed at the optimal level).
/// </summary>
public sealed class ProfileWireSizeTests(ITestOutputHelper output)
{
    /// <summary>
    /// The budget of a typical stream: one high-cardinality key (users) and two low ones (route, region). With
    /// three high-cardinality keys the HLLs alone take 3 KB; that case is held to a looser bound so a regression
    /// shows, and its size is reported.
    /// </summary>
    public static TheoryData<string, int, int, int, int> Mixes => new()
    {
        // name, distinct values of the three key fields, budget on the wire
        { "user/route/region", 50_000, 7, 4, 4096 },
        { "three high-cardinality keys", 50_000, 20_000, 10_000, 6400 },
    };

    [Theory]
    [MemberData(nameof(Mixes))]
    public void DefaultPrecision_ThreeKeyFields_ProfileFitsTheBudgetCompressed(string mix, int distinct0, int distinct1, int distinct2, int budget)
    {
        var profile = BuildWindow(distinct0, distinct1, distinct2, records: 200_000);
        var raw = profile.ToByteArray();
        var batch = new ProfileBatch { Sequence = 1 };
        batch.Profiles.Add(profile);
        var compressed = Gzip(batch.ToByteArray());

        var keys = string.Join(", ", profile.Keys.Select(k => $"{k.Field}: hll {k.Hll.Length} B, items {k.FrequentItems.Length} B"));
        var numbers = string.Join(", ", profile.Numeric.Select(n => $"{n.Field}: ddsketch {n.Ddsketch.Length} B"));
        output.WriteLine($"{mix}: profile {raw.Length} B raw, {compressed} B gzip on the wire; {keys}; {numbers}; schema {profile.Schema?.CalculateSize() ?? 0} B; spectral {profile.Spectral.Sum(s => s.CalculateSize())} B");

        Assert.True(compressed <= budget, $"{mix}: {compressed} B compressed is over the {budget} B budget (raw {raw.Length} B)");
    }

    /// <summary>
    /// A minute of light traffic (so the spectral features have history), then one 10-second window of
    /// <paramref name="records"/> records; returns that window's profile with schema and spectral summaries.
    /// </summary>
    private static ShadowProfile BuildWindow(int distinct0, int distinct1, int distinct2, int records)
    {
        var stream = new StreamOptions
        {
            Name = "web",
            KeyFields = ["user", "route", "region"],
            NumericFields = ["latency_ms", "bytes"],
            Window = TimeSpan.FromSeconds(10),
        };
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000));
        var windows = new StreamWindows(stream, clock);
        var shapes = new FixedShapes();
        var sink = windows.Open(shapes);
        var rng = new Random(42);
        var hashes = new KeyHash128[3];
        var text = new byte[3 * RecordView.MaxKeyTextBytes];
        var lengths = new byte[3];
        var numbers = new double[2];
        var distinct = new[] { distinct0, distinct1, distinct2 };
        ShadowProfile? last = null;
        for (var second = 0; second < 70; second++)
        {
            var perSecond = second < 60 ? 50 : records / 10;
            sink.BeginBatch();
            for (var r = 0; r < perSecond; r++)
            {
                for (var k = 0; k < 3; k++)
                {
                    // Zipf-like: small ids are far more frequent, as users and routes are.
                    var id = (int)(distinct[k] * Math.Pow(rng.NextDouble(), 3));
                    var value = Encoding.UTF8.GetBytes($"k{k}-{id}");
                    hashes[k] = KeyHash.Of128(value);
                    value.CopyTo(text.AsSpan(k * RecordView.MaxKeyTextBytes));
                    lengths[k] = (byte)value.Length;
                }

                // Lognormal latency around 40 ms, response sizes 200 B to 20 KB.
                numbers[0] = Math.Exp(Math.Log(40) + (0.8 * Normal(rng)));
                numbers[1] = rng.Next(200, 20_000);
                shapes.Records++;
                sink.OnRecord(new RecordView(120, hashes, 0b111, numbers, 0b11, 0, text, lengths, EventTimeState.NotConfigured, 0));
            }

            sink.EndBatch();
            clock.Advance(TimeSpan.FromSeconds(1));
            foreach (var closed in windows.CloseDue(clock.GetUtcNow()))
            {
                last = ProfileMapper.ToProto(closed);
            }
        }

        Assert.NotNull(last);
        Assert.NotNull(last.Schema);
        Assert.NotEmpty(last.Spectral);
        return last;
    }

    /// <summary>The shape of a typical request log record: nine fields, every record carrying each.</summary>
    private sealed class FixedShapes : IRecordShapes
    {
        private static readonly (string Path, JsonTypes Type)[] Fields =
        [
            ("ts", JsonTypes.String), ("user", JsonTypes.Object), ("user.id", JsonTypes.String), ("user.tier", JsonTypes.String),
            ("route", JsonTypes.String), ("region", JsonTypes.String), ("status", JsonTypes.Number), ("latency_ms", JsonTypes.Number),
            ("bytes", JsonTypes.Number),
        ];

        public long Records { get; set; }

        public long FieldsOverLimit => 0;

        public int FieldCount => Records > 0 ? Fields.Length : 0;

        public ShapeField Field(int index) =>
            new(KeyHash.Of(Encoding.UTF8.GetBytes(Fields[index].Path)), Fields[index].Path, Fields[index].Type, Records);

        public void Reset() => Records = 0;
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static int Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return (int)buffer.Length;
    }
}
