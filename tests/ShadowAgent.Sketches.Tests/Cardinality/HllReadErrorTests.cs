using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Tests.Golden;

namespace ShadowAgent.Sketches.Tests.Cardinality;

public sealed class HllReadErrorTests
{
    public static TheoryData<string> Files() => HllGoldenTests.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void Read_EveryTruncation_ThrowsFormatException(string file)
    {
        var bytes = GoldenSketches.Bytes(file);
        for (var length = 0; length < bytes.Length; length++)
        {
            var truncated = bytes.AsSpan(0, length).ToArray();
            Assert.Throws<FormatException>(() => HllSketch.Read(truncated));
        }
    }

    [Theory]
    [InlineData(0, 9, "preamble")]
    [InlineData(1, 2, "serial version")]
    [InlineData(2, 3, "Family")]
    [InlineData(3, 3, "lgK")]
    [InlineData(3, 22, "lgK")]
    [InlineData(7, 0x0b, "mode")]
    [InlineData(7, 0x0e, "target type")]
    public void Read_BadHeaderByte_NamesTheProblem(int index, byte value, string expected)
    {
        var bytes = GoldenSketches.Bytes("hll_lgk12_hll8_u64_n10000.sk");
        bytes[index] = value;

        var error = Assert.Throws<FormatException>(() => HllSketch.Read(bytes));
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Read_RandomCorruption_OnlyFormatExceptionOrValidSketch()
    {
        var random = new Random(7);
        var files = GoldenSketches.Manifest.Where(e => e.Kind == "hll").Select(e => e.File).ToArray();
        for (var trial = 0; trial < 3_000; trial++)
        {
            var bytes = GoldenSketches.Bytes(files[trial % files.Length]);
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                var sketch = HllSketch.Read(bytes);
                _ = sketch.GetEstimate();
            }
            catch (FormatException)
            {
            }
        }
    }

    [Fact]
    public void Read_Hll4ExceptionCountMismatch_Throws()
    {
        var bytes = GoldenSketches.Bytes("hll_lgk12_hll4_u64_n1000000.sk");
        BitConverter.TryWriteBytes(bytes.AsSpan(36), 0);

        var error = Assert.Throws<FormatException>(() => HllSketch.Read(bytes));
        Assert.Contains("exception", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HugeSetCount_ThrowsWithoutAllocating()
    {
        var bytes = GoldenSketches.Bytes("hll_lgk12_hll8_u64_n100.sk");
        BitConverter.TryWriteBytes(bytes.AsSpan(8), int.MaxValue);

        Assert.Throws<FormatException>(() => HllSketch.Read(bytes));
    }
}
