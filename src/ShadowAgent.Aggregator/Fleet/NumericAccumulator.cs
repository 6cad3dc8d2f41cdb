using ShadowAgent.Aggregator.Api;
using ShadowAgent.Protocol.V1;
using ShadowAgent.Sketches.Quantiles;

namespace ShadowAgent.Aggregator.Fleet;

/// <summary>One numeric field merged across profiles: exact sums of the summaries and one merged DDSketch.</summary>
internal sealed class NumericAccumulator(string field)
{
    private readonly HashSet<Scaling> _scalings = [];
    private ulong _count;
    private ulong _missing;
    private ulong _notNumeric;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;
    private DDSketch? _sketch;
    private int _sketches;

    public void Add(NumericSummary summary, SketchTally tally)
    {
        _count += summary.Count;
        _missing += summary.Missing;
        _notNumeric += summary.NotNumeric;
        _scalings.Add(summary.Scaling);
        if (summary.Count > 0)
        {
            // A summary without numbers has NaN or infinite bounds; it must not move the fleet's.
            _sum += summary.Sum;
            _min = Math.Min(_min, summary.Min);
            _max = Math.Max(_max, summary.Max);
        }

        if (!tally.TryRead(summary.Ddsketch, DDSketch.Read, SketchTally.DDSketch, out var sketch))
        {
            return;
        }

        if (_sketch is null)
        {
            _sketch = sketch;
        }
        else if (_sketch.Mapping.Equals(sketch.Mapping))
        {
            _sketch.Merge(sketch);
        }
        else
        {
            // Bins of different mappings do not line up; the first mapping seen wins.
            tally.CountIncompatible();
            return;
        }

        _sketches++;
    }

    public FleetNumeric ToInfo(SamplingTally sampling, bool includeSketch)
    {
        // Each profile's count and sum were scaled by its own agent before they reached us, so their sum is an
        // estimate of the whole stream whatever the mix of rates.
        var countScaling = _scalings.Contains(Scaling.ByRate) ? ProtoNames.Of(Scaling.ByRate)
            : _scalings.Contains(Scaling.SampleOnly) ? ProtoNames.Of(Scaling.SampleOnly)
            : ProtoNames.Of(Scaling.None);
        var has = _count > 0 && _min <= _max;
        FleetQuantiles? quantiles = null;
        if (_sketch is { IsEmpty: false } s)
        {
            var scaling = !sampling.IsConsistent ? ProtoNames.Mixed
                : sampling.Mode == SamplingMode.All ? ProtoNames.Of(Scaling.None)
                : ProtoNames.Of(Scaling.SampleOnly);
            quantiles = new FleetQuantiles(s.P50, s.P90, s.P99, s.P999, s.Mapping.RelativeAccuracy, s.Count, _sketches, s.IsCollapsed, scaling,
                includeSketch ? s.ToProtobuf() : null);
        }

        return new FleetNumeric(
            field, _count, _sum, has ? _min : double.NaN, has ? _max : double.NaN, _count > 0 ? _sum / _count : double.NaN,
            _missing, _notNumeric, countScaling, quantiles);
    }
}
