using ShadowAgent.Sketches.Quantiles;

namespace ShadowAgent.Sketches.Tests.Quantiles;

public sealed class DDSketchTests
{
    private static readonly double[] Quantiles = [0.5, 0.9, 0.99, 0.999];

    public static TheoryData<string, DDSketchMappingKind> DataSets()
    {
        var data = new TheoryData<string, DDSketchMappingKind>();
        foreach (string name in new[] { "lognormal", "pareto", "uniform", "negatives-and-zeros" })
        {
            data.Add(name, DDSketchMappingKind.Logarithmic);
            data.Add(name, DDSketchMappingKind.CubicallyInterpolated);
        }

        return data;
    }

    internal static DDSketchMapping MappingOf(DDSketchMappingKind kind, double alpha = 0.01) =>
        kind == DDSketchMappingKind.Logarithmic ? DDSketchMapping.Logarithmic(alpha) : DDSketchMapping.CubicallyInterpolated(alpha);

    internal static DDSketch Build(double[] values, DDSketchMapping mapping, int maxBins = DDSketch.DefaultMaxBins)
    {
        var sketch = new DDSketch(mapping, maxBins);
        foreach (double value in values)
        {
            sketch.Add(value);
        }

        return sketch;
    }

    internal static void AssertWithinRelativeError(double expected, double actual, double alpha, string what)
    {
        double error = Math.Abs(actual - expected);
        Assert.True(
            error <= (alpha * Math.Abs(expected)) + 1e-12,
            $"{what}: expected {expected:R}, got {actual:R}, relative error {error / Math.Abs(expected):R} > {alpha}");
    }

    [Theory]
    [MemberData(nameof(DataSets))]
    public void Quantile_SeededData_WithinRelativeAccuracy(string dataSet, DDSketchMappingKind kind)
    {
        double[] values = QuantileData.Named(dataSet);
        double[] sorted = QuantileData.Sorted(values);
        var sketch = Build(values, MappingOf(kind));

        foreach (double q in Quantiles)
        {
            AssertWithinRelativeError(QuantileData.ExactQuantile(sorted, q), sketch.Quantile(q), 0.01, $"{dataSet} q={q}");
        }

        Assert.Equal(sorted[0], sketch.Quantile(0));
        Assert.Equal(sorted[^1], sketch.Quantile(1));
        Assert.Equal(values.Length, sketch.Count);
        Assert.Equal(sorted[0], sketch.Min);
        Assert.Equal(sorted[^1], sketch.Max);
        Assert.Equal(values.Sum(), sketch.Sum, 1e-9 * Math.Abs(values.Sum()) + 1e-6);
        Assert.False(sketch.IsCollapsed);
    }

    [Fact]
    public void Percentiles_LogNormal_MatchQuantile()
    {
        var sketch = Build(QuantileData.LogNormal(10_000, 3, 1, 5), DDSketchMapping.Logarithmic());

        Assert.Equal(sketch.Quantile(0.5), sketch.P50);
        Assert.Equal(sketch.Quantile(0.9), sketch.P90);
        Assert.Equal(sketch.Quantile(0.99), sketch.P99);
        Assert.Equal(sketch.Quantile(0.999), sketch.P999);
    }

    [Fact]
    public void Quantile_SmallIntegers_PicksRankFloorOfQTimesNMinusOne()
    {
        var sketch = new DDSketch(DDSketchMapping.Logarithmic(0.001));
        for (int i = 1; i <= 10; i++)
        {
            sketch.Add(i * 100);
        }

        // rank floor(0.5·9) = 4 → 500; floor(0.9·9) = 8 → 900.
        AssertWithinRelativeError(500, sketch.Quantile(0.5), 0.001, "p50");
        AssertWithinRelativeError(900, sketch.Quantile(0.9), 0.001, "p90");
        AssertWithinRelativeError(900, sketch.Quantile(0.99), 0.001, "p99");
    }

    [Fact]
    public void Add_WithCount_EqualsRepeatedAdds()
    {
        var repeated = new DDSketch(DDSketchMapping.Logarithmic());
        var weighted = new DDSketch(DDSketchMapping.Logarithmic());
        double[] values = [-3.5, 0, 1e-3, 42, 1e6];
        foreach (double value in values)
        {
            weighted.Add(value, 7);
            for (int i = 0; i < 7; i++)
            {
                repeated.Add(value);
            }
        }

        weighted.Add(5, 0);

        Assert.Equal(repeated.ToProtobuf(), weighted.ToProtobuf());
        Assert.Equal(repeated.Count, weighted.Count);
        Assert.Equal(repeated.Sum, weighted.Sum, 1e-9);
        Assert.Throws<ArgumentOutOfRangeException>(() => weighted.Add(1, -1));
    }

    [Fact]
    public void Add_TinyValues_CountAsZero()
    {
        var sketch = new DDSketch();
        sketch.Add(0);
        sketch.Add(double.Epsilon);
        sketch.Add(-double.Epsilon);
        sketch.Add(-0.0);

        Assert.Equal(4, sketch.ZeroCount);
        Assert.Equal(0, sketch.P50);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.MaxValue)]
    public void Add_NotIndexable_Throws(double value)
    {
        var sketch = new DDSketch();

        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(value, 3));
        Assert.True(sketch.IsEmpty);
    }

    [Fact]
    public void Quantile_EmptySketch_ReturnsNaN()
    {
        var sketch = new DDSketch();

        Assert.True(double.IsNaN(sketch.Quantile(0.5)));
        Assert.True(double.IsNaN(sketch.Quantile(0)));
        Assert.True(double.IsNaN(sketch.P99));
        Assert.True(double.IsNaN(sketch.Min));
        Assert.True(double.IsNaN(sketch.Max));
        Assert.Equal(0, sketch.Count);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Quantile_OutOfRange_Throws(double q)
    {
        var sketch = new DDSketch();
        sketch.Add(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(q));
    }

    [Theory]
    [InlineData(DDSketchMappingKind.Logarithmic)]
    [InlineData(DDSketchMappingKind.CubicallyInterpolated)]
    public void Merge_Parts_EqualsWhole(DDSketchMappingKind kind)
    {
        double[] values = QuantileData.WithNegativesAndZeros(30_000, 21);
        var mapping = MappingOf(kind);
        var whole = Build(values, mapping);
        var merged = new DDSketch(mapping);
        for (int part = 0; part < 3; part++)
        {
            merged.Merge(Build(values[(part * 10_000)..((part + 1) * 10_000)], mapping));
        }

        Assert.Equal(whole.ToProtobuf(), merged.ToProtobuf());
        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.Min, merged.Min);
        Assert.Equal(whole.Max, merged.Max);
        Assert.Equal(whole.Sum, merged.Sum, 1e-6);
        foreach (double q in Quantiles)
        {
            Assert.Equal(whole.Quantile(q), merged.Quantile(q));
        }
    }

    [Fact]
    public void Merge_EmptyAndIntoEmpty_KeepsEverything()
    {
        var sketch = Build([1, 2, 3], DDSketchMapping.Logarithmic());
        var empty = new DDSketch(DDSketchMapping.Logarithmic());

        sketch.Merge(empty);
        empty.Merge(sketch);

        Assert.Equal(sketch.ToProtobuf(), empty.ToProtobuf());
        Assert.Equal(1, empty.Min);
        Assert.Equal(3, empty.Max);
        Assert.Equal(6, empty.Sum);
    }

    [Fact]
    public void Merge_DifferentMappings_ThrowsNamingBoth()
    {
        var log = new DDSketch(DDSketchMapping.Logarithmic(0.01));
        var cubic = new DDSketch(DDSketchMapping.CubicallyInterpolated(0.01));
        var coarser = new DDSketch(DDSketchMapping.Logarithmic(0.02));

        var error = Assert.Throws<ArgumentException>(() => log.Merge(cubic));
        Assert.Contains("different mappings", error.Message, StringComparison.Ordinal);
        Assert.Contains("CubicallyInterpolated", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => log.Merge(coarser));
    }

    [Theory]
    [InlineData(DDSketchMappingKind.Logarithmic)]
    [InlineData(DDSketchMappingKind.CubicallyInterpolated)]
    public void Add_PastMaxBins_CollapsesLowestAndKeepsHighQuantiles(DDSketchMappingKind kind)
    {
        // σ = 2 spans about e^17 between min and max: ~850 bins at α = 1%, so 300 bins must collapse.
        double[] values = QuantileData.LogNormal(100_000, 3, 2, 31);
        double[] sorted = QuantileData.Sorted(values);
        var sketch = Build(values, MappingOf(kind), maxBins: 300);

        Assert.True(sketch.IsCollapsed);
        Assert.Equal(values.Length, sketch.Count);
        AssertWithinRelativeError(QuantileData.ExactQuantile(sorted, 0.99), sketch.P99, 0.01, "p99");
        AssertWithinRelativeError(QuantileData.ExactQuantile(sorted, 0.999), sketch.P999, 0.01, "p999");
        Assert.True(sketch.ToProtobuf().Length < 300 * 9 + 64);

        // The same holds when the overflow comes from a merge.
        var half1 = Build(values[..50_000], MappingOf(kind), maxBins: 300);
        half1.Merge(Build(values[50_000..], MappingOf(kind), maxBins: 300));
        AssertWithinRelativeError(QuantileData.ExactQuantile(sorted, 0.99), half1.P99, 0.01, "merged p99");
    }

    [Fact]
    public void Add_SteadyState_AllocatesNothing()
    {
        double[] values = QuantileData.LogNormal(10_000, 3, 1, 41);
        var sketch = Build(values, DDSketchMapping.CubicallyInterpolated());
        var log = Build(values, DDSketchMapping.Logarithmic());

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 5; round++)
        {
            foreach (double value in values)
            {
                sketch.Add(value);
                log.Add(value);
            }
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Clone_IsIndependent()
    {
        var sketch = Build([1, 2, 3], DDSketchMapping.Logarithmic());
        var copy = sketch.Clone();
        copy.Add(1000);

        Assert.Equal(3, sketch.Count);
        Assert.Equal(3, sketch.Max);
        Assert.Equal(1000, copy.Max);
    }
}
