using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Tests.Golden;

namespace ShadowAgent.Sketches.Tests.Cardinality;

public sealed class HllGoldenTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var entry in GoldenSketches.Manifest.Where(e => e.Kind == "hll"))
        {
            data.Add(entry.File);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Read_GoldenFile_ReproducesManifestEstimateAndBounds(string file)
    {
        var entry = GoldenSketches.Get(file);
        var sketch = HllSketch.Read(GoldenSketches.Bytes(file));

        Assert.Equal(12, sketch.LgK);
        AssertClose(entry.Number("estimate"), sketch.GetEstimate());
        if (entry.Values.ContainsKey("lb2"))
        {
            AssertClose(entry.Number("lb2"), sketch.GetLowerBound(2));
            AssertClose(entry.Number("ub2"), sketch.GetUpperBound(2));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Build_SameInputAsGolden_SameRegistersCouponsAndBytes(string file)
    {
        var entry = GoldenSketches.Get(file);
        var golden = GoldenSketches.Bytes(file);
        var type = TypeOf(entry);
        var built = BuildLike(entry, type);
        var decoded = HllSketch.Read(golden);

        Assert.Equal(decoded.Mode, built.Mode);
        // A decoded set is rebuilt by re-inserting in file order (as DataSketches does), so compare contents.
        Assert.Equal(decoded.Coupons().Order().ToArray(), built.Coupons().Order().ToArray());
        Assert.Equal(decoded.Registers.ToArray(), built.Registers.ToArray());
        Assert.Equal(decoded.GetEstimate(), built.GetEstimate());

        // DataSketches' compact layout is a function of the input here (the set's probe order, the HLL_4
        // exception table with at most one entry), so our images are byte-identical to its images.
        var buffer = new byte[built.SerializedSize(type)];
        Assert.True(built.TryWriteTo(buffer, out var written, type));
        Assert.Equal(golden.Length, written);
        Assert.Equal(golden, buffer);
    }

    internal static HllSketch BuildLike(GoldenEntry entry, HllTargetType type)
    {
        var sketch = new HllSketch(12, type);
        for (var i = 0; i < entry.N; i++)
        {
            if (entry.File.Contains("_str_", StringComparison.Ordinal))
            {
                sketch.Update("user-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sketch.Update((long)i);
            }
        }

        return sketch;
    }

    internal static HllTargetType TypeOf(GoldenEntry entry) =>
        entry.File.Contains("hll4", StringComparison.Ordinal) ? HllTargetType.Hll4
        : entry.File.Contains("hll6", StringComparison.Ordinal) ? HllTargetType.Hll6
        : HllTargetType.Hll8;

    private static void AssertClose(double expected, double actual)
    {
        // The manifest prints six decimals; allow that rounding plus 1e-6 relative.
        var tolerance = Math.Max(Math.Abs(expected) * 1e-6, 5e-7);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected}, got {actual:R}");
    }
}
