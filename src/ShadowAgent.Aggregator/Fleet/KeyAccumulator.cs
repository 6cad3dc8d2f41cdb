using ShadowAgent.Aggregator.Api;
using ShadowAgent.Protocol.V1;
using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Frequency;

namespace ShadowAgent.Aggregator.Fleet;

/// <summary>
/// One key field merged across profiles: the HLL union, the frequent-items merge, and the text of heavy hitters the
/// agents reported.
/// </summary>
/// <remarks>
/// The HLL union follows DataSketches' Union with lgMaxK = 21: it drops to the smallest lgK among inputs in HLL mode
/// (registers of a larger lgK fold exactly into a smaller one), while coupon-mode inputs replay their 26-bit coupons,
/// so a union of only small sketches keeps every coupon and is at least as precise as any of them.
/// </remarks>
internal sealed class KeyAccumulator(string field)
{
    public const int BoundStdDevs = 2;

    // The agents send at most a few dozen heavy hitters per profile; this bounds the text kept for a huge merge.
    private const int MaxValueTexts = 100_000;

    private readonly HashSet<Scaling> _distinctScalings = [];
    private readonly HashSet<Scaling> _countScalings = [];
    private readonly Dictionary<long, string> _values = [];
    private ulong _present;
    private HllSketch? _hll;
    private FrequentItemsSketch? _frequent;
    private int _hllSketches;
    private int _frequentSketches;

    public void Add(KeyProfile key, SketchTally tally)
    {
        _present += key.Present;
        _distinctScalings.Add(key.DistinctScaling);
        _countScalings.Add(key.CountScaling);
        foreach (var hitter in key.Top)
        {
            if (hitter.Value.Length > 0 && _values.Count < MaxValueTexts)
            {
                _values.TryAdd(hitter.Item, hitter.Value);
            }
        }

        AddHll(key, tally);
        AddFrequent(key, tally);
    }

    public FleetKey ToInfo(SamplingTally sampling, int k, bool includeSketches)
    {
        FleetDistinct? distinct = null;
        if (_hll is not null)
        {
            var scale = ScalingDecision.For(sampling, _distinctScalings);
            distinct = new FleetDistinct(
                _hll.GetEstimate() * scale.Factor, _hll.GetLowerBound(BoundStdDevs) * scale.Factor, _hll.GetUpperBound(BoundStdDevs) * scale.Factor,
                BoundStdDevs, scale.Name, _hll.LgK, _hllSketches, includeSketches ? HllImage(_hll) : null);
        }

        FleetHeavyHitters? hitters = null;
        SkewInfo? skew = null;
        if (_frequent is not null)
        {
            var scale = ScalingDecision.For(sampling, _countScalings);
            var top = _frequent.TopK(k, ErrorType.NoFalseNegatives)
                .Select(r => new HeavyHitterInfo(
                    r.Item, _values.GetValueOrDefault(r.Item, ""), r.Estimate * scale.Factor, r.LowerBound * scale.Factor, r.UpperBound * scale.Factor))
                .ToList();
            hitters = new FleetHeavyHitters(
                _frequent.StreamLength, _frequent.MaximumError, scale.Name, _frequentSketches, top, includeSketches ? _frequent.ToByteArray() : null);

            // Skew is a property of shares, so the sample's sketch and the sample's distinct count measure it unscaled.
            var measures = Skew.Measure(_frequent, _hll?.GetEstimate() ?? _frequent.NumActiveItems, k);
            skew = new SkewInfo((uint)measures.K, measures.Top1Share, measures.TopKShare, measures.NormalizedEntropy, measures.Gini);
        }

        return new FleetKey(field, _present, distinct, hitters, skew);
    }

    private static byte[] HllImage(HllSketch sketch)
    {
        var image = new byte[sketch.SerializedSize(HllTargetType.Hll8)];
        sketch.TryWriteTo(image, out var written, HllTargetType.Hll8);
        return image.AsSpan(0, written).ToArray();
    }

    private void AddHll(KeyProfile key, SketchTally tally)
    {
        if (!tally.TryRead(key.Hll, HllSketch.Read, SketchTally.Hll, out var sketch))
        {
            return;
        }

        _hll ??= new HllSketch(HllSketch.MaxLgK, HllTargetType.Hll8);
        _hll.Merge(sketch);
        _hllSketches++;
    }

    private void AddFrequent(KeyProfile key, SketchTally tally)
    {
        if (!tally.TryRead(key.FrequentItems, FrequentItemsSketch.Read, SketchTally.FrequentItems, out var sketch))
        {
            return;
        }

        if (_frequent is null)
        {
            _frequent = sketch;
        }
        else if (sketch.LgMaxMapSize > _frequent.LgMaxMapSize)
        {
            // The merge target keeps the largest map any input had, so no input's counters are squeezed.
            sketch.Merge(_frequent);
            _frequent = sketch;
        }
        else
        {
            _frequent.Merge(sketch);
        }

        _frequentSketches++;
    }
}
