using ShadowAgent.Sketches.Frequency;

namespace ShadowAgent.Sketches.Tests.Frequency;

public sealed class FrequentItemsSketchTests
{
    [Fact]
    public void Update_FewerItemsThanCounters_CountsExactly()
    {
        var sketch = new FrequentItemsSketch();
        for (var i = 1; i <= 500; i++)
        {
            sketch.Update(i, i);
        }

        Assert.Equal(0, sketch.MaximumError);
        Assert.Equal(500 * 501 / 2, sketch.StreamLength);
        Assert.Equal(500, sketch.NumActiveItems);
        Assert.Equal(10, sketch.LgCurMapSize);
        for (var i = 1; i <= 500; i++)
        {
            Assert.Equal(i, sketch.Estimate(i));
            Assert.Equal(i, sketch.LowerBound(i));
            Assert.Equal(i, sketch.UpperBound(i));
        }

        Assert.Equal(0, sketch.Estimate(501));
    }

    [Fact]
    public void Update_ZeroCount_IsIgnoredAndNegativeThrows()
    {
        var sketch = new FrequentItemsSketch();
        sketch.Update(7, 0);
        Assert.True(sketch.IsEmpty);
        Assert.Equal(0, sketch.StreamLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Update(7, -1));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(21)]
    public void Constructor_LgMaxOutOfRange_Throws(int lgMax) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrequentItemsSketch(lgMax));

    [Fact]
    public void Update_MoreDistinctItemsThanCounters_PurgesAndKeepsCapacity()
    {
        var sketch = new FrequentItemsSketch(lgMaxMapSize: 4); // 12 counters
        for (var i = 0; i < 13; i++)
        {
            sketch.Update(i, i + 1); // counts 1..13: the purge median is 7
        }

        Assert.Equal(7, sketch.MaximumError);
        Assert.Equal(6, sketch.NumActiveItems);
        Assert.Equal(13, sketch.Estimate(12)); // counter 6 + error 7
        Assert.Equal(13 - 7, sketch.LowerBound(12));
        Assert.Equal(0, sketch.LowerBound(3));
        Assert.Equal(7, sketch.UpperBound(3));
    }

    [Fact]
    public void Update_AllCountersEqual_PurgeRemovesEveryCounterButKeepsLength()
    {
        var sketch = new FrequentItemsSketch(lgMaxMapSize: 3); // 6 counters
        for (var i = 0; i < 7; i++)
        {
            sketch.Update(i);
        }

        Assert.True(sketch.IsEmpty);
        Assert.Equal(7, sketch.StreamLength);
        Assert.Equal(1, sketch.MaximumError);
        Assert.Equal(1, sketch.UpperBound(3));
    }

    [Fact]
    public void Update_ZipfStream_BoundsContainTruthAndNoFalseNegativesMissesNothing()
    {
        var (sketch, truth) = Build(new ZipfSampler(100_000, 1.1, seed: 11), 1_000_000, lgMax: 10);

        Assert.True(sketch.MaximumError > 0, "the stream must overflow the map for this test to mean anything");
        Assert.True(sketch.MaximumError <= 3.5 * sketch.StreamLength / 1024, $"error {sketch.MaximumError} above the a-priori bound");
        foreach (var (item, count) in truth)
        {
            Assert.InRange(count, sketch.LowerBound(item), sketch.UpperBound(item));
        }

        var noFalseNegatives = sketch.FrequentItems(ErrorType.NoFalseNegatives).Select(r => r.Item).ToHashSet();
        var heavy = truth.Where(t => t.Value > sketch.MaximumError).Select(t => t.Key).ToList();
        Assert.NotEmpty(heavy);
        Assert.All(heavy, item => Assert.Contains(item, noFalseNegatives));

        var noFalsePositives = sketch.FrequentItems(ErrorType.NoFalsePositives);
        Assert.NotEmpty(noFalsePositives);
        Assert.All(noFalsePositives, row => Assert.True(truth[row.Item] > sketch.MaximumError));
        Assert.All(noFalsePositives, row => Assert.Equal(row.LowerBound + sketch.MaximumError, row.UpperBound));
    }

    [Fact]
    public void TopK_ZipfStream_ReturnsTheTrueTopItemsInOrder()
    {
        var (sketch, truth) = Build(new ZipfSampler(100_000, 1.1, seed: 12), 1_000_000, lgMax: 10);

        var top = sketch.TopK(10, ErrorType.NoFalsePositives);

        Assert.Equal(10, top.Count);
        Assert.Equal(truth.OrderByDescending(t => t.Value).Take(10).Select(t => t.Key), top.Select(r => r.Item));
        Assert.True(top.Zip(top.Skip(1)).All(p => p.First.Estimate >= p.Second.Estimate));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.TopK(0, ErrorType.NoFalsePositives));
    }

    [Fact]
    public void FrequentItems_ThresholdBelowError_UsesTheError()
    {
        var (sketch, _) = Build(new ZipfSampler(100_000, 1.1, seed: 13), 200_000, lgMax: 8);

        Assert.Equal(sketch.FrequentItems(ErrorType.NoFalseNegatives, 0), sketch.FrequentItems(ErrorType.NoFalseNegatives));
        var above = sketch.FrequentItems(ErrorType.NoFalseNegatives, 10 * sketch.MaximumError);
        Assert.All(above, r => Assert.True(r.UpperBound > 10 * sketch.MaximumError));
    }

    [Fact]
    public void Merge_PartsOfZipfStream_BoundsContainTruthAndHeavyHittersMatchTheWhole()
    {
        var sampler = new ZipfSampler(100_000, 1.1, seed: 14);
        var whole = new FrequentItemsSketch();
        var parts = Enumerable.Range(0, 4).Select(_ => new FrequentItemsSketch()).ToArray();
        var truth = new Dictionary<long, long>();
        for (var i = 0; i < 1_000_000; i++)
        {
            long item = sampler.Next();
            whole.Update(item);
            parts[i % 4].Update(item);
            truth[item] = truth.GetValueOrDefault(item) + 1;
        }

        var merged = new FrequentItemsSketch();
        foreach (var part in parts)
        {
            merged.Merge(part);
        }

        Assert.Equal(whole.StreamLength, merged.StreamLength);
        Assert.True(merged.MaximumError <= 3.5 * merged.StreamLength / 1024 * 2, $"merged error {merged.MaximumError}");
        foreach (var (item, count) in truth)
        {
            Assert.InRange(count, merged.LowerBound(item), merged.UpperBound(item));
        }

        // "Well above the error": items heavier than 3× the larger of the two errors.
        var cut = 3 * Math.Max(whole.MaximumError, merged.MaximumError);
        var wholeHeavy = whole.FrequentItems(ErrorType.NoFalsePositives, cut).Select(r => r.Item).ToHashSet();
        var mergedHeavy = merged.FrequentItems(ErrorType.NoFalsePositives, cut).Select(r => r.Item).ToHashSet();
        var trulyHeavy = truth.Where(t => t.Value > cut + (2 * cut / 3)).Select(t => t.Key).ToHashSet();
        Assert.NotEmpty(trulyHeavy);
        Assert.Superset(trulyHeavy, wholeHeavy);
        Assert.Superset(trulyHeavy, mergedHeavy);
    }

    [Fact]
    public void Merge_IntoItselfOrNull_Throws()
    {
        var sketch = new FrequentItemsSketch();
        Assert.Throws<ArgumentException>(() => sketch.Merge(sketch));
        Assert.Throws<ArgumentNullException>(() => sketch.Merge(null!));
    }

    [Fact]
    public void Merge_SketchWhoseCountersWereAllPurged_KeepsItsLengthAndError()
    {
        var purged = new FrequentItemsSketch(lgMaxMapSize: 3);
        for (var i = 0; i < 7; i++)
        {
            purged.Update(i);
        }

        var target = new FrequentItemsSketch();
        target.Update(42, 5);
        target.Merge(purged);

        Assert.Equal(12, target.StreamLength);
        Assert.Equal(1, target.MaximumError);
        Assert.Equal(1, target.UpperBound(3));
    }

    [Fact]
    public void Clear_AfterUse_StartsOverWithoutNewArrays()
    {
        var (sketch, _) = Build(new ZipfSampler(10_000, 1.1, seed: 15), 100_000, lgMax: 10);
        sketch.Clear();

        Assert.True(sketch.IsEmpty);
        Assert.Equal(0, sketch.StreamLength);
        Assert.Equal(0, sketch.MaximumError);
        Assert.Equal(3, sketch.LgCurMapSize);
        sketch.Update(5, 3);
        Assert.Equal(3, sketch.Estimate(5));
    }

    [Fact]
    public void Update_ManyDistinctItems_AllocatesNothing()
    {
        var sketch = new FrequentItemsSketch();
        var items = new long[200_000];
        var sampler = new ZipfSampler(10_000_000, 1.1, seed: 16);
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = sampler.Next();
        }

        sketch.Update(1); // JIT before measuring
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var item in items)
        {
            sketch.Update(item);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(sketch.MaximumError > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Select_AwkwardLengthsAndDuplicates_MatchesSorting()
    {
        var random = new Random(17);
        foreach (var length in new[] { 1, 2, 3, 15, 16, 17, 31, 33, 768, 1024 })
        {
            foreach (var range in new[] { 1, 3, 1000 })
            {
                var values = Enumerable.Range(0, length).Select(_ => (long)random.Next(1, range + 1)).ToArray();
                var sorted = values.Order().ToArray();
                Assert.Equal(sorted[length / 2], FrequentItemsSketch.Select(values, length / 2));
                Assert.Equal(sorted[0], FrequentItemsSketch.Select(values.ToArray(), 0));
                Assert.Equal(sorted[^1], FrequentItemsSketch.Select(values.ToArray(), length - 1));
            }
        }
    }

    internal static (FrequentItemsSketch Sketch, Dictionary<long, long> Truth) Build(ZipfSampler sampler, int n, int lgMax)
    {
        var sketch = new FrequentItemsSketch(lgMax);
        var truth = new Dictionary<long, long>();
        for (var i = 0; i < n; i++)
        {
            long item = sampler.Next();
            sketch.Update(item);
            truth[item] = truth.GetValueOrDefault(item) + 1;
        }

        return (sketch, truth);
    }
}
