using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Tests.Windowing.Support;
using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Frequency;
using ShadowAgent.Sketches.Quantiles;
using static ShadowAgent.Features.Tests.Windowing.Support.Shadow;

namespace ShadowAgent.Features.Tests.Windowing;

/// <summary>The sketches of one window against exact answers computed from the same seeded data.</summary>
public sealed class ShadowProfileTests
{
    private static readonly TimeSpan W = TimeSpan.FromSeconds(10);

    private static WindowProfile OneWindow(StreamOptions options, Action<Func<Core.Records.IRecordSink>> feed)
    {
        var (windows, time) = Start(options);
        feed(() => windows.Open());
        time.Advance(options.Window);
        return Assert.Single(windows.CloseDue(time.GetUtcNow()));
    }

    [Theory]
    [InlineData(8, "hll4", 50_000)]
    [InlineData(11, "hll4", 50_000)]
    [InlineData(11, "hll6", 3_000)]
    [InlineData(14, "hll8", 200_000)]
    [InlineData(11, "hll4", 150)]
    public void Build_KnownDistinctKeys_DistinctWithinThreeSigmaAndHllBytesDecodeToIt(int lgK, string type, int distinct)
    {
        var options = new StreamOptions { Name = "s", Window = W, KeyFields = ["user"], Sketches = { HllLgK = lgK, HllType = type } };
        var w = new RecordWriter(1, 0);

        var p = OneWindow(options, open =>
        {
            var sink = open();
            Batch(sink, () =>
            {
                // Every value twice, the repeats in another order: repeats must not count.
                for (var i = 0; i < distinct; i++)
                {
                    w.Key(0, "user-" + i).Send(sink);
                }

                for (var i = distinct - 1; i >= 0; i--)
                {
                    w.Key(0, "user-" + i).Send(sink);
                }
            });
        });

        var key = Assert.Single(p.Keys);
        Assert.Equal("user", key.Field);
        Assert.Equal(2L * distinct, key.Present);
        Assert.Equal(Scaling.None, key.DistinctScaling);
        Assert.InRange(key.Distinct, distinct * (1 - (3 * HllSigma(lgK))), distinct * (1 + (3 * HllSigma(lgK))));
        Assert.InRange(key.Distinct, key.DistinctLower, key.DistinctUpper);

        var shipped = HllSketch.Read(key.Hll);
        Assert.Equal(lgK, shipped.LgK);
        Assert.Equal(type, shipped.TargetType switch { HllTargetType.Hll4 => "hll4", HllTargetType.Hll6 => "hll6", _ => "hll8" });
        Assert.Equal(key.Distinct, shipped.GetEstimate(), 1e-9 * distinct);
        Assert.Equal(key.DistinctLower, shipped.GetLowerBound(2), 1e-9 * distinct);
        Assert.Equal(key.DistinctUpper, shipped.GetUpperBound(2), 1e-9 * distinct);
    }

    [Theory]
    [InlineData(0.01, 100_000)]
    [InlineData(0.02, 20_000)]
    [InlineData(0.005, 50_000)]
    public void Build_LogNormalValues_QuantilesWithinRelativeAccuracyAndSketchDecodesToThem(double accuracy, int count)
    {
        var options = new StreamOptions { Name = "s", Window = W, NumericFields = ["latency"], Sketches = { QuantileRelativeAccuracy = accuracy } };
        var values = LogNormal(count, mu: 3.0, sigma: 1.2, seed: 7);
        var w = new RecordWriter(0, 1);

        var p = OneWindow(options, open =>
        {
            var sink = open();
            Batch(sink, () =>
            {
                foreach (var v in values)
                {
                    w.Number(0, v).Send(sink);
                }
            });
        });

        var sorted = values.Order().ToArray();
        var q = Assert.Single(p.Quantiles);
        (double Quantile, double Estimate)[] checks = [(0.5, q.P50), (0.9, q.P90), (0.99, q.P99), (0.999, q.P999)];
        foreach (var (quantile, estimate) in checks)
        {
            var exact = ExactQuantile(sorted, quantile);
            Assert.InRange(Math.Abs(estimate - exact), 0, (accuracy * exact) + 1e-12);
        }

        var shipped = DDSketch.Read(q.Sketch);
        Assert.Equal(count, shipped.Count);
        Assert.Equal(accuracy, shipped.Mapping.RelativeAccuracy, 1e-12);
        Assert.Equal(q.P50, shipped.Quantile(0.5), 1e-12 * q.P50);
        Assert.Equal(q.P99, shipped.Quantile(0.99), 1e-12 * q.P99);

        var numeric = Assert.Single(p.Numeric);
        Assert.Equal(count, numeric.Count);
        Assert.Equal(sorted[0], numeric.Min);
        Assert.Equal(sorted[^1], numeric.Max);
        Assert.Equal(values.Sum(), numeric.Sum, 1e-9 * numeric.Sum);
    }

    [Theory]
    [InlineData(10, 5, 10_000, 200_000, 1)]
    [InlineData(8, 4, 2_000, 100_000, 2)]
    [InlineData(10, 10, 100_000, 300_000, 3)]
    public void Build_ZipfKeys_EveryKeyAboveThresholdInTopWithBracketingBoundsAndItsText(int lgMax, int wireLg, int keys, int records, int seed)
    {
        var options = new StreamOptions
        {
            Name = "s",
            Window = W,
            KeyFields = ["route"],
            Sketches = { FrequentItemsLgMaxMapSize = lgMax, FrequentItemsWireLgMaxMapSize = wireLg, TopK = 100 },
        };
        var zipf = new ZipfSampler(keys, 1.1, seed);
        var stream = new string[records];
        var exact = new Dictionary<string, long>();
        for (var i = 0; i < records; i++)
        {
            // Some values longer than the 64 bytes of text kept: their label is the first 64.
            var rank = zipf.Next();
            stream[i] = rank % 7 == 3 ? $"/api/v2/tenants/{rank}/" + new string('x', 70) : "/route/" + rank;
            exact[stream[i]] = exact.GetValueOrDefault(stream[i]) + 1;
        }

        var w = new RecordWriter(1, 0);
        var p = OneWindow(options, open =>
        {
            var sink = open();

            // Batches of 1000, as a tap delivers them.
            for (var start = 0; start < records; start += 1000)
            {
                Batch(sink, () =>
                {
                    for (var i = start; i < Math.Min(records, start + 1000); i++)
                    {
                        w.Key(0, stream[i]).Send(sink);
                    }
                });
            }
        });

        var key = Assert.Single(p.Keys);
        Assert.Equal(Scaling.None, key.CountScaling);
        var threshold = records / (0.75 * (1 << lgMax));
        var heavy = exact.Where(e => e.Value > threshold).ToList();
        Assert.NotEmpty(heavy);
        Assert.True(heavy.Count <= options.Sketches.TopK, $"{heavy.Count} keys above the threshold do not fit the top {options.Sketches.TopK}.");
        foreach (var (value, count) in heavy)
        {
            var row = Assert.Single(key.Top, h => h.Item == RecordWriter.Item(value));
            Assert.InRange(count, row.LowerBound, row.UpperBound);
            Assert.Equal(row.UpperBound, row.Estimate);
            Assert.Equal(value.Length <= 64 ? value : value[..64], row.Value);
        }

        Assert.All(key.Top, h => Assert.InRange(exact.Single(e => RecordWriter.Item(e.Key) == h.Item).Value, h.LowerBound, h.UpperBound));

        var wire = FrequentItemsSketch.Read(key.FrequentItems);
        Assert.InRange(wire.NumActiveItems, 1, (int)(0.75 * (1 << wireLg)));
        Assert.Equal(records, wire.StreamLength);
        foreach (var (value, count) in exact)
        {
            var item = RecordWriter.Item(value);
            Assert.InRange(count, wire.LowerBound(item), wire.UpperBound(item));
        }
    }

    [Fact]
    public void Build_TwoConnectionsWithDisjointHalves_WindowEqualsTheWholeThroughOne()
    {
        var options = new StreamOptions { Name = "s", Window = W, KeyFields = ["user", "route"], NumericFields = ["latency"] };
        const int Records = 120_000;
        var zipf = new ZipfSampler(500, 1.2, 11);
        var latency = LogNormal(Records, 2.0, 1.0, 12);
        var users = new string[Records];
        var routes = new string[Records];
        for (var i = 0; i < Records; i++)
        {
            users[i] = "u" + ((i * 7919L) % 60_000);
            routes[i] = "/r/" + zipf.Next();
        }

        var w = new RecordWriter(2, 1);
        void Send(Core.Records.IRecordSink sink, int i) => w.Key(0, users[i]).Key(1, routes[i]).Number(0, latency[i]).Send(sink, 50 + (i % 13));

        var whole = OneWindow(options, open =>
        {
            var sink = open();
            Batch(sink, () =>
            {
                for (var i = 0; i < Records; i++)
                {
                    Send(sink, i);
                }
            });
        });
        var split = OneWindow(options, open =>
        {
            var a = open();
            var b = open();
            Batch(a, () =>
            {
                for (var i = 0; i < Records; i += 2)
                {
                    Send(a, i);
                }
            });
            Batch(b, () =>
            {
                for (var i = 1; i < Records; i += 2)
                {
                    Send(b, i);
                }
            });
        });

        Assert.Equal(Records, split.Volume.Parsed);
        Assert.Equal(whole.Volume.Bytes, split.Volume.Bytes);
        Assert.Equal(whole.Volume.Sampled, split.Volume.Sampled);
        Assert.Equal(2, split.Volume.ConnectionsAccepted);

        Assert.Equal(whole.Numeric[0].Count, split.Numeric[0].Count);
        Assert.Equal(whole.Numeric[0].Min, split.Numeric[0].Min);
        Assert.Equal(whole.Numeric[0].Max, split.Numeric[0].Max);
        Assert.Equal(whole.Numeric[0].Sum, split.Numeric[0].Sum, 1e-9 * whole.Numeric[0].Sum);
        Assert.Equal(whole.Quantiles[0].P50, split.Quantiles[0].P50);
        Assert.Equal(whole.Quantiles[0].P90, split.Quantiles[0].P90);
        Assert.Equal(whole.Quantiles[0].P99, split.Quantiles[0].P99);
        Assert.Equal(whole.Quantiles[0].P999, split.Quantiles[0].P999);

        // The merged registers are the whole's registers: the same register-only estimate. The merged sketch
        // reports that estimate; both are within three sigma of the truth.
        var distinct = users.Distinct().Count();
        for (var k = 0; k < 2; k++)
        {
            Assert.Equal(whole.Keys[k].Present, split.Keys[k].Present);
            Assert.Equal(HllSketch.Read(whole.Keys[k].Hll).GetCompositeEstimate(), HllSketch.Read(split.Keys[k].Hll).GetCompositeEstimate());
        }

        var sigma3 = 3 * HllSigma(options.Sketches.HllLgK) * distinct;
        Assert.InRange(whole.Keys[0].Distinct, distinct - sigma3, distinct + sigma3);
        Assert.InRange(split.Keys[0].Distinct, distinct - sigma3, distinct + sigma3);
        Assert.Equal(HllSketch.Read(split.Keys[0].Hll).GetCompositeEstimate(), split.Keys[0].Distinct, 1e-9 * distinct);

        // 500 routes fit the counters: every count is exact, in both.
        var routeCounts = routes.CountBy(r => r).ToDictionary();
        Assert.Equal(whole.Keys[1].Top, split.Keys[1].Top);
        Assert.Equal(options.Sketches.TopK, split.Keys[1].Top.Count);
        foreach (var h in split.Keys[1].Top)
        {
            var (route, count) = routeCounts.Single(e => RecordWriter.Item(e.Key) == h.Item);
            Assert.Equal(count, h.Estimate);
            Assert.Equal(count, h.LowerBound);
            Assert.Equal(count, h.UpperBound);
            Assert.Equal(route, h.Value);
        }

        Assert.Equal(
            routeCounts.Values.OrderDescending().Take(options.Sketches.TopK).Select(c => (double)c),
            split.Keys[1].Top.Select(h => h.Estimate));
    }
}
