using System.Buffers.Binary;
using ShadowAgent.Sketches.Frequency;
using ShadowAgent.Sketches.Tests.Golden;

namespace ShadowAgent.Sketches.Tests.Frequency;

public sealed class FrequentItemsSerializationTests
{
    private const string GoldenFile = "fi_longs_lgmax10.sk";

    [Fact]
    public void Read_GoldenSketch_DecodesPreambleAndCounters()
    {
        var entry = GoldenSketches.Get(GoldenFile);
        var sketch = FrequentItemsSketch.Read(GoldenSketches.Bytes(GoldenFile));

        Assert.Equal(10, sketch.LgMaxMapSize);
        Assert.Equal(10, sketch.LgCurMapSize);
        Assert.Equal(entry.N, sketch.StreamLength);
        Assert.Equal(145, sketch.NumActiveItems);
        Assert.Equal(117, sketch.MaximumError);
    }

    [Fact]
    public void TopK_GoldenSketch_ReproducesTheLibrarysTopItems()
    {
        var sketch = FrequentItemsSketch.Read(GoldenSketches.Bytes(GoldenFile));
        var listed = GoldenSketches.Get(GoldenFile).Values["top"]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.Split(':'))
            .Select(p => (Item: long.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), Estimate: long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

        var top = sketch.TopK(listed.Count, ErrorType.NoFalseNegatives);

        Assert.Equal(listed.Count, top.Count);
        Assert.Equal(new FrequentRow(0, 10_000, 10_000 - 117, 10_000), top[0]);
        Assert.Equal(listed.Select(l => l.Estimate), top.Select(r => r.Estimate));
        foreach (var (item, estimate) in listed)
        {
            Assert.Equal(estimate, sketch.Estimate(item));
            Assert.Equal(estimate - sketch.MaximumError, sketch.LowerBound(item));
            Assert.Equal(estimate, sketch.UpperBound(item));
        }

        // The library breaks the tie among the 118s in its own (unstable) order; every listed item is one of them.
        var ties = sketch.FrequentItems(ErrorType.NoFalseNegatives).Where(r => r.Estimate == 118).Select(r => r.Item).ToHashSet();
        Assert.All(listed.Skip(1), l => Assert.Contains(l.Item, ties));
        Assert.Equal(0, sketch.Estimate(1)); // never in the stream
        Assert.Single(sketch.FrequentItems(ErrorType.NoFalsePositives));
    }

    [Fact]
    public void TryWriteTo_GoldenSketchReadBack_ReproducesTheOriginalBytes()
    {
        var original = GoldenSketches.Bytes(GoldenFile);

        var rewritten = FrequentItemsSketch.Read(original).ToByteArray();

        Assert.Equal(original, rewritten);
    }

    [Fact]
    public void TryWriteTo_GoldenSketchAfterAnUpdate_ListsItemsInSlotOrder()
    {
        // The golden file does not list its items in slot order; once changed, the sketch writes its own order,
        // which a fresh read restores exactly.
        var sketch = FrequentItemsSketch.Read(GoldenSketches.Bytes(GoldenFile));
        sketch.Update(0);

        var bytes = sketch.ToByteArray();
        var back = FrequentItemsSketch.Read(bytes);
        back.Update(5, 7);
        sketch.Update(5, 7);

        Assert.Equal(100_001, FrequentItemsSketch.Read(bytes).StreamLength);
        Assert.Equal(10_001, FrequentItemsSketch.Read(bytes).Estimate(0));
        Assert.Equal(sketch.ToByteArray(), back.ToByteArray());
    }

    [Fact]
    public void Read_GoldenAnalogue_OurStreamHasTheSameShape()
    {
        // The golden stream's recipe with our own seed: key 0 every 10th record, uniform keys 100..100099 otherwise.
        var random = new Random(10);
        var sketch = new FrequentItemsSketch();
        for (var i = 0; i < 100_000; i++)
        {
            sketch.Update(i % 10 == 0 ? 0 : random.Next(100, 100_100));
        }

        Assert.InRange(sketch.MaximumError, 90, 150);
        Assert.InRange(10_000, sketch.LowerBound(0), sketch.UpperBound(0));
        Assert.Equal(0, sketch.TopK(1, ErrorType.NoFalsePositives)[0].Item);
        Assert.Single(sketch.FrequentItems(ErrorType.NoFalsePositives));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(5, 10)]
    [InlineData(100, 10)]
    [InlineData(1_000_000, 10)]
    [InlineData(1_000_000, 3)]
    [InlineData(1_000_000, 12)]
    public void Read_WrittenSketch_IsIdentical(int n, int lgMax)
    {
        var (sketch, _) = FrequentItemsSketchTests.Build(new ZipfSampler(1_000_000, 1.05, seed: n + lgMax), n, lgMax);

        var bytes = sketch.ToByteArray();
        var back = FrequentItemsSketch.Read(bytes);

        Assert.Equal(bytes, back.ToByteArray());
        Assert.Equal(sketch.StreamLength, back.StreamLength);
        Assert.Equal(sketch.MaximumError, back.MaximumError);
        Assert.Equal(sketch.LgCurMapSize, back.LgCurMapSize);
        Assert.Equal(sketch.FrequentItems(ErrorType.NoFalseNegatives), back.FrequentItems(ErrorType.NoFalseNegatives));

        // And both keep counting alike.
        sketch.Update(3, 1000);
        back.Update(3, 1000);
        Assert.Equal(sketch.ToByteArray(), back.ToByteArray());
    }

    [Fact]
    public void TryWriteTo_EmptySketch_WritesEightByteEmptyForm()
    {
        var bytes = new FrequentItemsSketch().ToByteArray();

        Assert.Equal(new byte[] { 1, 1, 10, 10, 3, 0b101, 0, 0 }, bytes);
        var back = FrequentItemsSketch.Read(bytes);
        Assert.True(back.IsEmpty);
        Assert.Equal(0, back.StreamLength);

        // The C++ library sets only bit 0; Java both.
        Assert.True(FrequentItemsSketch.Read(new byte[] { 1, 1, 10, 10, 3, 1, 0, 0 }).IsEmpty);
    }

    [Fact]
    public void TryWriteTo_EveryCounterPurged_KeepsLengthAndError()
    {
        var sketch = new FrequentItemsSketch(lgMaxMapSize: 3);
        for (var i = 0; i < 7; i++)
        {
            sketch.Update(i);
        }

        var back = FrequentItemsSketch.Read(sketch.ToByteArray());

        Assert.Equal(32, sketch.SerializedSize);
        Assert.Equal(7, back.StreamLength);
        Assert.Equal(1, back.MaximumError);
    }

    [Fact]
    public void TryWriteTo_SmallDestination_WritesNothing()
    {
        var sketch = new FrequentItemsSketch();
        sketch.Update(1);

        Assert.False(sketch.TryWriteTo(new byte[sketch.SerializedSize - 1], out var written));
        Assert.Equal(0, written);
        Assert.True(sketch.TryWriteTo(new byte[sketch.SerializedSize + 5], out written));
        Assert.Equal(48, written);
    }

    public static TheoryData<string, int, byte, string> Corruptions => new()
    {
        { "family", 2, 7, "family id 7" },
        { "serial version", 1, 2, "serial version 2" },
        { "lg max too small", 3, 2, "lg max map size 2" },
        { "lg max too large", 3, 40, "lg max map size 40" },
        { "lg cur above lg max", 4, 11, "lg cur map size 11" },
        { "lg cur too small", 4, 2, "lg cur map size 2" },
        { "unknown flag", 5, 0x10, "flags 0x10" },
        { "empty flag on a full preamble", 5, 1, "preamble longs 4" },
        { "preamble longs", 0, 3, "preamble longs 3" },
        { "active items above capacity", 9, 4, "active items exceed" },
        { "zero counter", 32, 0, "counter 0 is" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Read_CorruptedGolden_ThrowsFormatExceptionNamingTheField(string what, int at, byte value, string message)
    {
        var bytes = GoldenSketches.Bytes(GoldenFile);
        if (what == "zero counter")
        {
            bytes.AsSpan(32, 8).Clear();
        }

        bytes[at] = value;

        var error = Assert.Throws<FormatException>(() => FrequentItemsSketch.Read(bytes));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedOrInconsistent_ThrowsFormatException()
    {
        var bytes = GoldenSketches.Bytes(GoldenFile);
        foreach (var length in new[] { 0, 1, 7, 8, 31, 32, bytes.Length - 1 })
        {
            Assert.Throws<FormatException>(() => FrequentItemsSketch.Read(bytes.AsSpan(0, length)));
        }

        var duplicate = bytes.ToArray();
        var items = 32 + (145 * 8);
        duplicate.AsSpan(items, 8).CopyTo(duplicate.AsSpan(items + 8));
        Assert.Contains("appears twice", Assert.Throws<FormatException>(() => FrequentItemsSketch.Read(duplicate)).Message, StringComparison.Ordinal);

        var shortStream = bytes.ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(shortStream.AsSpan(16), 100);
        Assert.Contains("stream length 100", Assert.Throws<FormatException>(() => FrequentItemsSketch.Read(shortStream)).Message, StringComparison.Ordinal);

        var negative = bytes.ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(negative.AsSpan(24), -1);
        Assert.Throws<FormatException>(() => FrequentItemsSketch.Read(negative));
    }

    [Fact]
    public void Read_RandomlyDamagedBytes_OnlyEverThrowsFormatException()
    {
        var original = GoldenSketches.Bytes(GoldenFile);
        var random = new Random(18);
        for (var trial = 0; trial < 2000; trial++)
        {
            var bytes = original.AsSpan(0, random.Next(original.Length + 1)).ToArray();
            for (var flips = random.Next(1, 4); flips > 0 && bytes.Length > 0; flips--)
            {
                bytes[random.Next(Math.Min(bytes.Length, trial % 2 == 0 ? 32 : bytes.Length))] = (byte)random.Next(256);
            }

            try
            {
                var sketch = FrequentItemsSketch.Read(bytes);
                Assert.Equal(sketch.SerializedSize, sketch.ToByteArray().Length);
            }
            catch (FormatException)
            {
            }
        }
    }
}
