using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Features.Schema;
using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Frequency;
using ShadowAgent.Sketches.Quantiles;

namespace ShadowAgent.Features.Windowing;

/// <summary>
/// Everything the shadow knows about one hop (pane) of a stream, from one connection or merged from all:
/// exact volume, numeric summaries, and per field a quantile sketch, per key field a HyperLogLog and a
/// frequent-items sketch, and the record shapes. Every part merges exactly, so a window is the merge of its
/// panes and the fleet the merge of its hosts. Sketches are created on first use, so an idle pane costs little.
/// </summary>
internal sealed class PaneState
{
    private readonly ShadowSettings _settings;

    public PaneState(ShadowSettings settings)
    {
        _settings = settings;
        Numeric = new NumericSummary[settings.NumericFields.Length];
        Array.Fill(Numeric, NumericSummary.Empty);
        Quantiles = new DDSketch?[settings.NumericFields.Length];
        Hll = new HllSketch?[settings.KeyFields.Length];
        Items = new FrequentItemsSketch?[settings.KeyFields.Length];
        KeyPresent = new long[settings.KeyFields.Length];
    }

    public VolumeCounters Volume;

    public NumericSummary[] Numeric { get; }

    public DDSketch?[] Quantiles { get; }

    public HllSketch?[] Hll { get; }

    public FrequentItemsSketch?[] Items { get; }

    public long[] KeyPresent { get; }

    public SchemaSnapshot? Schema { get; set; }

    /// <summary>Something was counted since the pane was created.</summary>
    public bool Dirty { get; set; }

    /// <summary>One sampled record: its numbers and keys go into the summaries and sketches.</summary>
    public void Shadow(in RecordView record)
    {
        Volume.Sampled++;
        var numeric = Numeric;
        var numbers = record.Numbers;
        var present = record.NumbersPresent;
        var notNumeric = record.NumbersNotNumeric;
        for (var i = 0; i < numeric.Length; i++)
        {
            var bit = 1UL << i;
            if ((notNumeric & bit) != 0)
            {
                numeric[i].NotNumeric++;
            }
            else if ((present & bit) != 0 && i < numbers.Length)
            {
                var value = numbers[i];
                numeric[i].Add(value);
                (Quantiles[i] ??= NewQuantiles()).Add(value);
            }
            else
            {
                numeric[i].Missing++;
            }
        }

        var hashes = record.KeyHashes;
        var keys = record.KeysPresent;
        var hll = Hll;
        for (var i = 0; i < hll.Length && i < hashes.Length; i++)
        {
            if ((keys & (1UL << i)) == 0)
            {
                continue;
            }

            var h = hashes[i];
            KeyPresent[i]++;
            (hll[i] ??= NewHll()).Update(h.H1, h.H2);
            (Items[i] ??= NewItems()).Update((long)h.H1);
        }
    }

    public void Merge(PaneState other)
    {
        Volume.Add(other.Volume);
        for (var i = 0; i < Numeric.Length; i++)
        {
            Numeric[i].Merge(other.Numeric[i]);
            if (other.Quantiles[i] is { } q)
            {
                (Quantiles[i] ??= NewQuantiles()).Merge(q);
            }
        }

        for (var i = 0; i < Hll.Length; i++)
        {
            KeyPresent[i] += other.KeyPresent[i];
            if (other.Hll[i] is { } h)
            {
                (Hll[i] ??= NewHll()).Merge(h);
            }

            if (other.Items[i] is { } f)
            {
                (Items[i] ??= NewItems()).Merge(f);
            }
        }

        if (other.Schema is { } schema)
        {
            Schema = Schema is null ? schema : SchemaSnapshot.Merge(Schema, schema);
        }

        Dirty |= other.Dirty;
    }

    private DDSketch NewQuantiles() => new(_settings.QuantileAccuracy, _settings.QuantileMaxBins);

    // Kept with 8-bit registers for the fastest update; written in the configured type when shipped.
    private HllSketch NewHll() => new(_settings.HllLgK, HllTargetType.Hll8);

    private FrequentItemsSketch NewItems() => new(_settings.ItemsLgMaxMapSize);
}
