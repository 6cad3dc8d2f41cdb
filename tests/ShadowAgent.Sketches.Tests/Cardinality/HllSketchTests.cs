using ShadowAgent.Sketches.Cardinality;

namespace ShadowAgent.Sketches.Tests.Cardinality;

public sealed class HllSketchTests
{
    public static TheoryData<int, int> ModesAndTypes()
    {
        var data = new TheoryData<int, int>();
        foreach (var n in new[] { 0, 1, 7, 8, 100, 385, 10_000, 200_000 })
        {
            foreach (var type in new[] { 0, 1, 2 })
            {
                data.Add(n, type);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModesAndTypes))]
    public void TryWriteTo_ThenRead_SameStateInEveryModeAndType(int n, int typeValue)
    {
        var type = (HllTargetType)typeValue;
        var sketch = Build(10, n);
        var bytes = Write(sketch, type);
        var back = HllSketch.Read(bytes);

        Assert.Equal(sketch.Mode, back.Mode);
        Assert.Equal(type, back.TargetType);
        Assert.Equal(sketch.Coupons().Order().ToArray(), back.Coupons().Order().ToArray());
        Assert.Equal(sketch.Registers.ToArray(), back.Registers.ToArray());
        Assert.Equal(sketch.GetEstimate(), back.GetEstimate());
        Assert.Equal(sketch.GetUpperBound(1), back.GetUpperBound(1));
        Assert.Equal(sketch.GetLowerBound(3), back.GetLowerBound(3));
    }

    [Fact]
    public void Update_ModeTransitions_FollowDataSketchesThresholds()
    {
        var sketch = new HllSketch(12);
        Assert.Equal(HllMode.List, sketch.Mode);
        AddDistinct(sketch, 0, 7);
        Assert.Equal(HllMode.List, sketch.Mode);
        AddDistinct(sketch, 7, 1);
        Assert.Equal(HllMode.Set, sketch.Mode);
        AddDistinct(sketch, 8, 376); // 384 coupons = 3/4 of the 512-entry set
        Assert.Equal(HllMode.Set, sketch.Mode);
        AddDistinct(sketch, 384, 1);
        Assert.Equal(HllMode.Hll, sketch.Mode);
    }

    [Fact]
    public void Update_SmallLgK_ListPromotesStraightToHll()
    {
        var sketch = new HllSketch(6);
        AddDistinct(sketch, 0, 8);
        Assert.Equal(HllMode.Hll, sketch.Mode);
        Assert.Equal(8, 64 - sketch.NumZeros);
    }

    [Fact]
    public void Update_Duplicates_DoNotChangeState()
    {
        var sketch = Build(12, 5_000);
        var before = Write(sketch, HllTargetType.Hll8);
        for (var i = 0; i < 5_000; i++)
        {
            sketch.Update((long)i);
        }

        Assert.Equal(before, Write(sketch, HllTargetType.Hll8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(3_000)]
    [InlineData(100_000)]
    public void Merge_Parts_RegistersEqualWhole(int n)
    {
        var whole = Build(12, n);
        var parts = new[] { new HllSketch(12), new HllSketch(12), new HllSketch(12) };
        for (var i = 0; i < n; i++)
        {
            parts[i % 3].Update((long)i);
        }

        var union = new HllSketch(12);
        foreach (var part in parts)
        {
            union.Merge(part);
        }

        if (whole.Mode == HllMode.Hll)
        {
            Assert.Equal(HllMode.Hll, union.Mode);
            Assert.Equal(whole.Registers.ToArray(), union.Registers.ToArray());
        }
        else
        {
            Assert.Equal(whole.Coupons().Order().ToArray(), union.Coupons().Order().ToArray());
            Assert.Equal(whole.GetEstimate(), union.GetEstimate());
        }
    }

    [Fact]
    public void Merge_TwoHllSketches_IsOutOfOrderAndUsesCompositeEstimate()
    {
        var a = Build(12, 50_000);
        var b = new HllSketch(12);
        for (var i = 50_000; i < 100_000; i++)
        {
            b.Update((long)i);
        }

        a.Merge(b);

        Assert.True(a.IsOutOfOrder);
        Assert.Equal(a.GetCompositeEstimate(), a.GetEstimate());
        Assert.InRange(a.GetEstimate(), 100_000 * 0.95, 100_000 * 1.05);
        Assert.True(a.GetLowerBound(2) < a.GetEstimate() && a.GetEstimate() < a.GetUpperBound(2));
        var back = HllSketch.Read(Write(a, HllTargetType.Hll4));
        Assert.True(back.IsOutOfOrder);
        Assert.Equal(a.GetEstimate(), back.GetEstimate());
    }

    [Fact]
    public void Merge_DifferentLgK_DownsamplesToSmaller()
    {
        const int n = 40_000;
        var big = Build(14, n);
        var small = Build(11, n / 2);
        var expected = Build(11, n);

        big.Merge(small);

        Assert.Equal(11, big.LgK);
        Assert.Equal(expected.Registers.ToArray(), big.Registers.ToArray());

        var listInto = new HllSketch(11);
        listInto.Update(-1L);
        listInto.Merge(Build(13, n));
        expected.Update(-1L);
        Assert.Equal(11, listInto.LgK);
        Assert.Equal(expected.Registers.ToArray(), listInto.Registers.ToArray());
    }

    [Fact]
    public void Merge_CouponsIntoHll_KeepsHip()
    {
        var target = Build(12, 20_000);
        var coupons = new HllSketch(12);
        for (var i = 20_000; i < 20_050; i++)
        {
            coupons.Update((long)i);
        }

        Assert.Equal(HllMode.Set, coupons.Mode);
        var expected = Build(12, 20_050);

        target.Merge(coupons);

        Assert.False(target.IsOutOfOrder);
        Assert.Equal(expected.Registers.ToArray(), target.Registers.ToArray());
    }

    [Theory]
    [InlineData(12, false)]
    [InlineData(12, true)]
    [InlineData(10, false)]
    [InlineData(14, true)]
    public void Estimate_ManySeededTrials_ErrorWithinTheory(int lgK, bool merged)
    {
        // 200 trials of 10^5 distinct pre-hashed items. HIP's RSE is sqrt(ln 2)/sqrt(K) ≈ 0.833/sqrt(K); after a
        // merge the composite estimator's is ≈ 1.04/sqrt(K). The sample RMS of 200 trials has a standard error of
        // about RSE/sqrt(2·200), so 3σ is ±15% of the RSE; the mean must stay within 3σ of zero bias.
        const int trials = 200;
        const int n = 100_000;
        var k = 1 << lgK;
        var rse = (merged ? 1.04 : 0.836) / Math.Sqrt(k);
        var random = new Random(20_240_601 + lgK);
        double sumSq = 0, sum = 0;
        for (var t = 0; t < trials; t++)
        {
            var a = new HllSketch(lgK);
            var b = new HllSketch(lgK);
            for (var i = 0; i < n; i++)
            {
                var target = merged && (i & 1) == 1 ? b : a;
                target.Update((ulong)random.NextInt64(), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));
            }

            if (merged)
            {
                a.Merge(b);
            }

            var error = (a.GetEstimate() - n) / n;
            sum += error;
            sumSq += error * error;
        }

        var rms = Math.Sqrt(sumSq / trials);
        var sigma = 3.0 / Math.Sqrt(2.0 * trials);
        Assert.InRange(rms, rse * (1 - sigma), rse * (1 + sigma));
        Assert.InRange(sum / trials, -3 * rse / Math.Sqrt(trials), 3 * rse / Math.Sqrt(trials));
    }

    [Fact]
    public void Update_ValueCappedAt63()
    {
        var sketch = new HllSketch(4);
        for (ulong i = 0; i < 64; i++)
        {
            sketch.Update(i, 0);
        }

        Assert.All(sketch.Registers.ToArray(), v => Assert.Equal(63, v));
        var back = HllSketch.Read(Write(sketch, HllTargetType.Hll4));
        Assert.Equal(sketch.Registers.ToArray(), back.Registers.ToArray());
    }

    [Fact]
    public void TryWriteTo_SmallBuffer_ReturnsFalse()
    {
        var sketch = Build(12, 1000);
        Assert.False(sketch.TryWriteTo(new byte[sketch.SerializedSize(HllTargetType.Hll6) - 1], out var written, HllTargetType.Hll6));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Hll4_ManyExceptions_RoundTrips()
    {
        // Registers far above the minimum force a multi-entry exception table.
        var sketch = Build(8, 3_000);
        for (ulong slot = 0; slot < 40; slot++)
        {
            sketch.Update(slot * 5, 1UL << (63 - 40 - (int)slot % 20));
        }

        var bytes = Write(sketch, HllTargetType.Hll4);
        Assert.True(BitConverter.ToInt32(bytes, 36) > 1);
        Assert.Equal(sketch.Registers.ToArray(), HllSketch.Read(bytes).Registers.ToArray());
    }

    internal static HllSketch Build(int lgK, int n)
    {
        var sketch = new HllSketch(lgK);
        for (var i = 0; i < n; i++)
        {
            sketch.Update((long)i);
        }

        return sketch;
    }

    internal static byte[] Write(HllSketch sketch, HllTargetType type)
    {
        var buffer = new byte[sketch.SerializedSize(type)];
        Assert.True(sketch.TryWriteTo(buffer, out var written, type));
        Assert.Equal(buffer.Length, written);
        return buffer;
    }

    private static void AddDistinct(HllSketch sketch, int from, int count)
    {
        // Distinct coupons: distinct low 26 bits of h1, value 1.
        for (var i = from; i < from + count; i++)
        {
            sketch.Update((ulong)(i + 1) * 7919, ulong.MaxValue);
        }
    }
}
