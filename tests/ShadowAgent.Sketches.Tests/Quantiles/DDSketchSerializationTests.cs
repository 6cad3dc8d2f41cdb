using Google.Protobuf;
using ShadowAgent.Sketches.Quantiles;

namespace ShadowAgent.Sketches.Tests.Quantiles;

public sealed class DDSketchSerializationTests
{
    private const int None = 0;
    private const int Linear = 1;
    private const int Quadratic = 2;
    private const int Cubic = 3;

    [Theory]
    [InlineData(DDSketchMappingKind.Logarithmic)]
    [InlineData(DDSketchMappingKind.CubicallyInterpolated)]
    public void ToProtobuf_ThenRead_KeepsBinsAndQuantiles(DDSketchMappingKind kind)
    {
        double[] values = QuantileData.WithNegativesAndZeros(20_000, 51);
        var sketch = DDSketchTests.Build(values, DDSketchTests.MappingOf(kind));

        byte[] bytes = sketch.ToProtobuf();
        var read = DDSketch.Read(bytes);

        Assert.Equal(sketch.Mapping, read.Mapping);
        Assert.Equal(bytes, read.ToProtobuf());
        Assert.Equal(sketch.Count, read.Count);
        Assert.Equal(sketch.ZeroCount, read.ZeroCount);
        foreach (double q in new[] { 0.01, 0.25, 0.5, 0.9, 0.99 })
        {
            Assert.Equal(sketch.Quantile(q), read.Quantile(q));
        }

        // Min, max and sum are not in the format: read back, they are estimates within α.
        DDSketchTests.AssertWithinRelativeError(sketch.Min, read.Min, 0.01, "min");
        DDSketchTests.AssertWithinRelativeError(sketch.Max, read.Max, 0.01, "max");
        Assert.True(Math.Abs(read.Sum - sketch.Sum) <= 0.01 * values.Sum(Math.Abs));
        read.Merge(sketch);
        Assert.Equal(2 * sketch.Count, read.Count);
    }

    [Fact]
    public void TryWriteTo_ExactAndShortBuffers_WritesOrRefuses()
    {
        var sketch = DDSketchTests.Build(QuantileData.LogNormal(1000, 3, 1, 52), DDSketchMapping.Logarithmic());
        byte[] expected = sketch.ToProtobuf();

        var exact = new byte[expected.Length];
        Assert.True(sketch.TryWriteTo(exact, out int written));
        Assert.Equal(expected.Length, written);
        Assert.Equal(expected, exact);

        var shorter = new byte[expected.Length - 1];
        Assert.False(sketch.TryWriteTo(shorter, out written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void ToProtobuf_EmptySketch_ReadsBackEmpty()
    {
        var read = DDSketch.Read(new DDSketch().ToProtobuf());

        Assert.True(read.IsEmpty);
        Assert.True(double.IsNaN(read.P50));
        Assert.Equal(DDSketchMappingKind.CubicallyInterpolated, read.Mapping.Kind);
    }

    [Fact]
    public void Read_HandBuiltSparseProtobuf_GivesExpectedQuantiles()
    {
        const double Gamma = 1.02;
        byte[] bytes = Sketch(
            Mapping(Gamma, 0, None),
            SparseStore((232, 50), (300, 40), (400, 10)),
            SparseStore((100, 10)),
            zeroCount: 0);

        var sketch = DDSketch.Read(bytes);

        // Published convention: bin i holds [γ^i, γ^(i+1)) and answers γ^i·(1+α), α = (γ−1)/(γ+1).
        double alpha = (Gamma - 1) / (Gamma + 1);
        double Bin(int i) => Math.Pow(Gamma, i) * (1 + alpha);
        Assert.Equal(DDSketchMappingKind.Logarithmic, sketch.Mapping.Kind);
        Assert.Equal(alpha, sketch.Mapping.RelativeAccuracy, 1e-15);
        Assert.Equal(110, sketch.Count);
        // 110 items: ranks 0..9 negative, 10..59 bin 232, 60..99 bin 300, 100..109 bin 400.
        AssertClose(-Bin(100), sketch.Quantile(0.05));
        AssertClose(Bin(232), sketch.Quantile(0.5));
        AssertClose(Bin(300), sketch.Quantile(0.9));
        AssertClose(Bin(400), sketch.Quantile(0.99));
        AssertClose(-Bin(100), sketch.Min);
        AssertClose(Bin(400), sketch.Max);
        AssertClose((50 * Bin(232)) + (40 * Bin(300)) + (10 * Bin(400)) - (10 * Bin(100)), sketch.Sum);
    }

    [Fact]
    public void Read_SparseAndContiguousTogether_AddsCounts()
    {
        byte[] store = Concat(
            SparseStore((10, 1), (11, 2)),
            Field(2, Packed(3, 4)),
            Varint(3, ZigZag(11)));
        var sketch = DDSketch.Read(Sketch(Mapping(1.02, 0, None), store, [], zeroCount: 5));

        Assert.Equal(1 + 2 + 3 + 4 + 5, sketch.Count);
        Assert.Equal(5, sketch.ZeroCount);
        // Bins: 10→1, 11→5, 12→4; rank floor(0.5·14) = 7 is past 5 zeros and bin 10 → bin 11.
        AssertClose(Math.Pow(1.02, 11) * (1 + (0.02 / 2.02)), sketch.P50);
        Assert.Equal(0, sketch.Min);
    }

    [Fact]
    public void Read_CubicMappingFromOtherWriter_MatchesOurCubicMapping()
    {
        var ours = DDSketchMapping.CubicallyInterpolated(0.01);
        var sketch = DDSketch.Read(Sketch(Mapping(ours.Gamma, 0, Cubic), SparseStore((0, 1)), [], 0));

        Assert.Equal(ours, sketch.Mapping);
        sketch.Merge(new DDSketch(ours));
    }

    [Theory]
    [InlineData(Linear, "LINEAR")]
    [InlineData(Quadratic, "QUADRATIC")]
    [InlineData(9, "9")]
    public void Read_UnsupportedInterpolation_ThrowsNamingIt(int interpolation, string name)
    {
        byte[] bytes = Sketch(Mapping(1.02, 0, interpolation), SparseStore((1, 1)), [], 0);

        var error = Assert.Throws<FormatException>(() => DDSketch.Read(bytes));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no mapping")]
    [InlineData("gamma 1")]
    [InlineData("gamma NaN")]
    [InlineData("offset infinite")]
    [InlineData("negative count")]
    [InlineData("NaN zero count")]
    [InlineData("index out of range")]
    [InlineData("contiguous past int range")]
    [InlineData("truncated")]
    [InlineData("garbage")]
    public void Read_BadBytes_ThrowsFormatException(string what)
    {
        byte[] good = Sketch(Mapping(1.02, 0, None), SparseStore((1, 1)), [], 0);
        byte[] bytes = what switch
        {
            "no mapping" => Field(2, SparseStore((1, 1))),
            "gamma 1" => Sketch(Mapping(1, 0, None), [], [], 0),
            "gamma NaN" => Sketch(Mapping(double.NaN, 0, None), [], [], 0),
            "offset infinite" => Sketch(Mapping(1.02, double.PositiveInfinity, None), [], [], 0),
            "negative count" => Sketch(Mapping(1.02, 0, None), SparseStore((1, -1)), [], 0),
            "NaN zero count" => Sketch(Mapping(1.02, 0, None), [], [], double.NaN),
            "index out of range" => Sketch(Mapping(1.02, 0, None), SparseStore((int.MaxValue, 1)), [], 0),
            "contiguous past int range" => Sketch(Mapping(1.02, 0, None), Concat(Field(2, Packed(1, 1)), Varint(3, ZigZag(int.MaxValue))), [], 0),
            "truncated" => good[..^3],
            "garbage" => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        Assert.Throws<FormatException>(() => DDSketch.Read(bytes));
    }

    [Fact]
    public void Read_RandomMutations_ReadOrThrowFormatExceptionOnly()
    {
        byte[] good = DDSketchTests.Build(QuantileData.WithNegativesAndZeros(500, 61), DDSketchMapping.Logarithmic()).ToProtobuf();
        var random = new Random(62);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] bytes = (byte[])good.Clone();
            int flips = 1 + random.Next(4);
            for (int i = 0; i < flips; i++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            bytes = bytes[..random.Next(bytes.Length + 1)];
            try
            {
                var sketch = DDSketch.Read(bytes, maxBins: 256);
                _ = sketch.P50;
            }
            catch (FormatException)
            {
            }
        }
    }

    [Fact]
    public void Read_WideSparseBins_CollapsesToMaxBins()
    {
        byte[] bytes = Sketch(Mapping(1.02, 0, None), SparseStore((-30_000, 1), (30_000, 1)), [], 0);

        var sketch = DDSketch.Read(bytes, maxBins: 64);

        Assert.True(sketch.IsCollapsed);
        Assert.Equal(2, sketch.Count);
        Assert.True(sketch.ToProtobuf().Length < 64 * 9 + 64);
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    private static byte[] Sketch(byte[] mapping, byte[] positive, byte[] negative, double zeroCount) =>
        Concat(Field(1, mapping), Field(2, positive), Field(3, negative), Double(4, zeroCount));

    private static byte[] Mapping(double gamma, double indexOffset, int interpolation) =>
        Concat(Double(1, gamma), Double(2, indexOffset), Varint(3, (ulong)interpolation));

    private static byte[] SparseStore(params (int Index, double Count)[] bins) =>
        Concat(bins.Select(bin => Field(1, Concat(Varint(1, ZigZag(bin.Index)), Double(2, bin.Count)))).ToArray());

    private static ulong ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static byte[] Write(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        write(output);
        output.Flush();
        return stream.ToArray();
    }

    private static byte[] Field(int number, byte[] payload) => Write(output =>
    {
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(payload));
    });

    private static byte[] Double(int number, double value) => Write(output =>
    {
        output.WriteTag(number, WireFormat.WireType.Fixed64);
        output.WriteDouble(value);
    });

    private static byte[] Varint(int number, ulong value) => Write(output =>
    {
        output.WriteTag(number, WireFormat.WireType.Varint);
        output.WriteUInt64(value);
    });

    private static byte[] Packed(params double[] values) => Write(output =>
    {
        foreach (double value in values)
        {
            output.WriteDouble(value);
        }
    });

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();
}
