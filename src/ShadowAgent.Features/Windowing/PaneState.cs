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
        Labels = new Dictionary<long, string>?[settings.KeyFields.Length];
    }

    public VolumeCounters Volume;

    public NumericSummary[] Numeric { get; }

    public DDSketch?[] Quantiles { get; }

    public HllSketch?[] Hll { get; }

    public FrequentItemsSketch?[] Items { get; }

    public long[] KeyPresent { get; }

    public SchemaSnapshot? Schema { get; set; }

    /// <summary>Per key field, the text of frequent items (by sketch item); null until a pane hands some over.</summary>
    public Dictionary<long, string>?[] Labels { get; }

    /// <summary>Something was counted since the pane was created.</summary>
    public bool Dirty { get; set; }

    /// <summary>
    /// One sampled record: its numbers and keys go into the summaries and sketches. A key value the frequent-items
    /// sketch starts counting has its text captured in <paramref name="labels"/>.
    /// </summary>
    public void Shadow(in RecordView record, KeyLabelCache? labels = null)
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
            var items = Items[i] ??= NewItems();
            var active = items.NumActiveItems;
            items.Update((long)h.H1);

            // A new counter: the value was not counted before. (A new value that fills the map is given a counter
            // of 1 and purged at once, since the purge takes at least 1 from every counter: nothing to capture.)
            if (labels is not null && items.NumActiveItems > active && !record.KeyText.IsEmpty)
            {
                labels.Capture(i, h.H1, record.KeyValue(i));
            }
        }
    }

    /// <summary>Before the pane is handed over: the texts of its most frequent items, from the connection's cache.</summary>
    public void TakeLabels(KeyLabelCache labels, int count)
    {
        for (var i = 0; i < Items.Length; i++)
        {
            if (Items[i] is not { IsEmpty: false } items)
            {
                continue;
            }

            var map = Labels[i];
            foreach (var row in items.TopK(count, ErrorType.NoFalseNegatives))
            {
                if (map is null || !map.ContainsKey(row.Item))
                {
                    if (labels.TryGetText(i, (ulong)row.Item, out var text))
                    {
                        (map ??= new Dictionary<long, string>(count))[row.Item] = text;
                    }
                }
            }

            Labels[i] = map;
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

            if (other.Labels[i] is { } labels)
            {
                // Copied, never shared: a pane's map must not change when a window merged from it does.
                var mine = Labels[i] ??= new Dictionary<long, string>(labels.Count);
                foreach (var (item, text) in labels)
                {
                    mine.TryAdd(item, text);
                }

                // Bounded by what the merged sketch still counts: nothing else can be listed.
                if (mine.Count > 2 * _settings.LabelsPerPane && Items[i] is { } merged)
                {
                    foreach (var item in mine.Keys)
                    {
                        if (merged.LowerBound(item) == 0)
                        {
                            mine.Remove(item);
                        }
                    }
                }
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
