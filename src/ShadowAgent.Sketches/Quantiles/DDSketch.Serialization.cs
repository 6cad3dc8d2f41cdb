using Google.Protobuf;
using PbInterpolation = ShadowAgent.Sketches.Quantiles.Proto.IndexMapping.Types.Interpolation;
using PbMapping = ShadowAgent.Sketches.Quantiles.Proto.IndexMapping;
using PbSketch = ShadowAgent.Sketches.Quantiles.Proto.DDSketch;
using PbStore = ShadowAgent.Sketches.Quantiles.Proto.Store;

namespace ShadowAgent.Sketches.Quantiles;

// DDSketch's published protobuf format (proto/ddsketch/ddsketch.proto): what sketches-go, sketches-java and
// sketches-py write and read. Min, max and sum are not part of it; a sketch read back estimates them from its bins.
public sealed partial class DDSketch
{
    /// <summary>Writes the protobuf form; false (and nothing written) when the destination is too small.</summary>
    public bool TryWriteTo(Span<byte> destination, out int written)
    {
        var message = ToMessage();
        int size = message.CalculateSize();
        if (size > destination.Length)
        {
            written = 0;
            return false;
        }

        message.WriteTo(destination[..size]);
        written = size;
        return true;
    }

    /// <summary>The protobuf form (bins written contiguously, the compact form for dense stores).</summary>
    public byte[] ToProtobuf() => ToMessage().ToByteArray();

    /// <summary>Reads any valid DDSketch protobuf with a NONE or CUBIC mapping, keeping at most DefaultMaxBins bins per store.</summary>
    /// <exception cref="FormatException">The bytes are not such a protobuf; the message says what is wrong.</exception>
    public static DDSketch Read(ReadOnlySpan<byte> bytes) => Read(bytes, DefaultMaxBins);

    /// <summary>Reads a DDSketch protobuf; bins past <paramref name="maxBins"/> per store are collapsed lowest first.</summary>
    /// <exception cref="FormatException">The bytes are not such a protobuf; the message says what is wrong.</exception>
    public static DDSketch Read(ReadOnlySpan<byte> bytes, int maxBins)
    {
        PbSketch message;
        try
        {
            message = PbSketch.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException($"DDSketch protobuf is malformed: {e.Message}", e);
        }

        var sketch = new DDSketch(ReadMapping(message.Mapping), maxBins);
        sketch.ReadStore(message.PositiveValues, sketch._positive, "positiveValues");
        sketch.ReadStore(message.NegativeValues, sketch._negative, "negativeValues");
        sketch._zeroCount = CheckCount(message.ZeroCount, "zeroCount");
        sketch.EstimateSummaryFromBins();
        return sketch;
    }

    private PbSketch ToMessage() => new()
    {
        Mapping = new PbMapping
        {
            Gamma = _mapping.Gamma,
            IndexOffset = _mapping.IndexOffset,
            Interpolation = _mapping.Kind == DDSketchMappingKind.CubicallyInterpolated ? PbInterpolation.Cubic : PbInterpolation.None,
        },
        PositiveValues = ToMessage(_positive),
        NegativeValues = ToMessage(_negative),
        ZeroCount = _zeroCount,
    };

    private static PbStore ToMessage(DenseBinStore store)
    {
        var message = new PbStore();
        if (!store.IsEmpty)
        {
            message.ContiguousBinIndexOffset = store.MinIndex;
            foreach (double count in store.Bins)
            {
                message.ContiguousBinCounts.Add(count);
            }
        }

        return message;
    }

    private static DDSketchMapping ReadMapping(PbMapping? mapping)
    {
        if (mapping is null)
        {
            throw new FormatException("DDSketch protobuf has no mapping.");
        }

        var kind = mapping.Interpolation switch
        {
            PbInterpolation.None => DDSketchMappingKind.Logarithmic,
            PbInterpolation.Cubic => DDSketchMappingKind.CubicallyInterpolated,
            _ => throw new FormatException(
                $"DDSketch mapping interpolation {InterpolationName(mapping.Interpolation)} is not supported (only NONE and CUBIC are)."),
        };

        if (!(mapping.Gamma > 1) || double.IsInfinity(mapping.Gamma))
        {
            throw new FormatException($"DDSketch mapping gamma must be a finite number greater than 1, got {mapping.Gamma:R}.");
        }

        if (!double.IsFinite(mapping.IndexOffset) || Math.Abs(mapping.IndexOffset) > int.MaxValue)
        {
            throw new FormatException($"DDSketch mapping indexOffset must be finite and within the int range, got {mapping.IndexOffset:R}.");
        }

        return DDSketchMapping.Create(kind, mapping.Gamma, mapping.IndexOffset);
    }

    // The name as the .proto spells it (LINEAR, QUADRATIC), or the number for a value the schema does not define.
    private static string InterpolationName(PbInterpolation interpolation) =>
        Enum.IsDefined(interpolation) ? interpolation.ToString().ToUpperInvariant() : ((int)interpolation).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void ReadStore(PbStore? message, DenseBinStore store, string field)
    {
        if (message is null)
        {
            return;
        }

        // Indexes outside what the mapping can produce would decode to infinities; refuse them.
        int lowest = _mapping.Index(_mapping.MinIndexableValue);
        int highest = _mapping.Index(_mapping.MaxIndexableValue);
        foreach (var (index, count) in message.BinCounts)
        {
            AddBin(store, field, index, count, lowest, highest);
        }

        long offset = message.ContiguousBinIndexOffset;
        var counts = message.ContiguousBinCounts;
        if (counts.Count > 0 && offset + counts.Count - 1 > int.MaxValue)
        {
            throw new FormatException($"DDSketch {field}: contiguous bins from index {offset} run past the int range.");
        }

        for (int i = 0; i < counts.Count; i++)
        {
            AddBin(store, field, (int)(offset + i), counts[i], lowest, highest);
        }
    }

    private static void AddBin(DenseBinStore store, string field, int index, double count, int lowest, int highest)
    {
        if (CheckCount(count, field) == 0)
        {
            return;
        }

        if (index < lowest || index > highest)
        {
            throw new FormatException(
                $"DDSketch {field}: bin index {index} is outside the mapping's range [{lowest}, {highest}].");
        }

        store.Add(index, count);
    }

    private static double CheckCount(double count, string field) =>
        double.IsFinite(count) && count >= 0
            ? count
            : throw new FormatException($"DDSketch {field}: counts must be finite and non-negative, got {count:R}.");

    // The format carries bins only: take count from them, min/max from the extreme bins, sum from each bin's value.
    private void EstimateSummaryFromBins()
    {
        _count = _negative.TotalCount + _zeroCount + _positive.TotalCount;
        if (_count == 0)
        {
            return;
        }

        _min = !_negative.IsEmpty ? -_mapping.Value(_negative.MaxIndex)
            : _zeroCount > 0 ? 0
            : _mapping.Value(_positive.MinIndex);
        _max = !_positive.IsEmpty ? _mapping.Value(_positive.MaxIndex)
            : _zeroCount > 0 ? 0
            : -_mapping.Value(_negative.MinIndex);
        _sum = BinSum(_positive) - BinSum(_negative);
    }

    private double BinSum(DenseBinStore store)
    {
        double sum = 0;
        ReadOnlySpan<double> bins = store.Bins;
        for (int i = 0; i < bins.Length; i++)
        {
            if (bins[i] != 0)
            {
                sum += bins[i] * _mapping.Value(store.MinIndex + i);
            }
        }

        return sum;
    }
}
