using System.Runtime.CompilerServices;

namespace ShadowAgent.Sketches.Quantiles;

/// <summary>
/// Maps a positive value to the bin index floor(log_γ(v) + indexOffset), the convention of DDSketch's published
/// implementations and protobuf format (sketches-go, sketches-java). The paper (Masson, Rim, Lee, VLDB 2019)
/// writes ceil(log_γ(v)) with bins (γ^(i-1), γ^i]; the published form uses [γ^i, γ^(i+1)). Both bound the relative
/// error by α = (γ-1)/(γ+1); we follow the published one so that other readers put our bins where we do.
/// </summary>
/// <remarks>
/// The cubically interpolated mapping follows sketches-java's construction: log2 is approximated by the float's
/// unbiased exponent e plus P(s) = A·s³ + B·s² + C·s on its mantissa s ∈ [0, 1), with A = 6/35, B = -3/5,
/// C = 10/7. P is increasing, exact at powers of two, and its slope varies by at most a factor of C·ln 2 from the
/// true log2, so a γ of γ_exact^(C·ln 2) (about 1% more bins) keeps the α guarantee without calling Math.Log.
/// </remarks>
public sealed class DDSketchMapping : IEquatable<DDSketchMapping>
{
    private const double A = 6.0 / 35.0;
    private const double B = -3.0 / 5.0;
    private const double C = 10.0 / 7.0;
    private const double MinNormal = 2.2250738585072014e-308;
    private const double ExpOverflow = 7.094361393031e+02;
    private const long MantissaMask = 0x000F_FFFF_FFFF_FFFFL;
    private const long OneBits = 0x3FF0_0000_0000_0000L;

    private readonly bool _cubic;
    private readonly double _multiplier;

    private DDSketchMapping(DDSketchMappingKind kind, double gamma, double indexOffset)
    {
        Kind = kind;
        Gamma = gamma;
        IndexOffset = indexOffset;
        _cubic = kind == DDSketchMappingKind.CubicallyInterpolated;
        if (_cubic)
        {
            _multiplier = 1 / Math.Log2(gamma);
            RelativeAccuracy = 1 - (2 / (1 + Math.Exp(Math.Log2(gamma) / C)));
            MinIndexableValue = Math.Max(
                Math.Pow(2, ((int.MinValue - indexOffset) / _multiplier) + 1),
                MinNormal * (1 + RelativeAccuracy) / (1 - RelativeAccuracy));
            MaxIndexableValue = Math.Min(
                Math.Pow(2, ((int.MaxValue - indexOffset) / _multiplier) - 1),
                Math.Exp(ExpOverflow) / (1 + RelativeAccuracy));
        }
        else
        {
            _multiplier = 1 / Math.Log(gamma);
            RelativeAccuracy = 1 - (2 / (1 + gamma));
            MinIndexableValue = Math.Max(
                Math.Exp(((int.MinValue - indexOffset) / _multiplier) + 1),
                MinNormal * (1 + RelativeAccuracy) / (1 - RelativeAccuracy));
            MaxIndexableValue = Math.Min(
                Math.Exp(((int.MaxValue - indexOffset) / _multiplier) - 1),
                Math.Exp(ExpOverflow) / (1 + RelativeAccuracy));
        }
    }

    /// <summary>Which logarithm the mapping uses.</summary>
    public DDSketchMappingKind Kind { get; }

    /// <summary>The base of the (possibly approximated) logarithm, as written in the protobuf mapping.</summary>
    public double Gamma { get; }

    /// <summary>The shift added to every index, as written in the protobuf mapping.</summary>
    public double IndexOffset { get; }

    /// <summary>The guaranteed bound α on the relative error of a value read back from its bin.</summary>
    public double RelativeAccuracy { get; }

    /// <summary>Positive values below this are counted as zero.</summary>
    public double MinIndexableValue { get; }

    /// <summary>Values above this cannot be indexed (the index would overflow) and are rejected.</summary>
    public double MaxIndexableValue { get; }

    /// <summary>Exact logarithm with γ = (1+α)/(1-α).</summary>
    public static DDSketchMapping Logarithmic(double relativeAccuracy = 0.01)
    {
        ValidateAccuracy(relativeAccuracy);
        return new DDSketchMapping(DDSketchMappingKind.Logarithmic, (1 + relativeAccuracy) / (1 - relativeAccuracy), 0);
    }

    /// <summary>Cubically interpolated logarithm keeping relative accuracy α (γ slightly above (1+α)/(1-α)).</summary>
    public static DDSketchMapping CubicallyInterpolated(double relativeAccuracy = 0.01)
    {
        ValidateAccuracy(relativeAccuracy);
        // log2(γ) = C·ln(γ_exact): the interpolated log2's smallest slope over a binade is 1/C of ln's, per unit.
        double log2Gamma = C * Math.Log((1 + relativeAccuracy) / (1 - relativeAccuracy));
        return new DDSketchMapping(DDSketchMappingKind.CubicallyInterpolated, Math.Pow(2, log2Gamma), 0);
    }

    /// <summary>A mapping with explicit parameters, as read from a protobuf IndexMapping.</summary>
    public static DDSketchMapping Create(DDSketchMappingKind kind, double gamma, double indexOffset)
    {
        if (!(gamma > 1) || double.IsInfinity(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be a finite number greater than 1");
        }

        if (!double.IsFinite(indexOffset) || Math.Abs(indexOffset) > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(indexOffset), indexOffset, "indexOffset must be finite and within the int range");
        }

        return kind switch
        {
            DDSketchMappingKind.Logarithmic or DDSketchMappingKind.CubicallyInterpolated => new DDSketchMapping(kind, gamma, indexOffset),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown mapping kind"),
        };
    }

    /// <summary>The bin index of a value in [MinIndexableValue, MaxIndexableValue].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Index(double value)
    {
        double log = _cubic ? CubicLog2(value) : Math.Log(value);
        return (int)Math.Floor((log * _multiplier) + IndexOffset);
    }

    /// <summary>The representative value of a bin: within α of every value the bin holds.</summary>
    internal double Value(int index)
    {
        double exponent = (index - IndexOffset) / _multiplier;
        double lowerBound = _cubic ? CubicExp2(exponent) : Math.Exp(exponent);
        return lowerBound * (1 + RelativeAccuracy);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double CubicLog2(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        double exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        double s = BitConverter.Int64BitsToDouble((bits & MantissaMask) | OneBits) - 1;
        return ((((A * s) + B) * s) + C) * s + exponent;
    }

    // Inverse of CubicLog2: Cardano's formula for the mantissa's cubic, the exponent from the integer part.
    private static double CubicExp2(double x)
    {
        double exponent = Math.Floor(x);
        const double D0 = (B * B) - (3 * A * C);
        double d1 = (2 * B * B * B) - (9 * A * B * C) - (27 * A * A * (x - exponent));
        double p = Math.Cbrt((d1 - Math.Sqrt((d1 * d1) - (4 * D0 * D0 * D0))) / 2);
        double significandPlusOne = (-(B + p + (D0 / p)) / (3 * A)) + 1;
        return Math.ScaleB(significandPlusOne, (int)exponent);
    }

    private static void ValidateAccuracy(double relativeAccuracy)
    {
        if (!(relativeAccuracy > 0 && relativeAccuracy < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "relative accuracy must be in (0, 1)");
        }
    }

    /// <summary>Same kind and, within 1e-12 relative, the same γ and offset: bins of both sketches coincide.</summary>
    public bool Equals(DDSketchMapping? other) =>
        other is not null
        && other.Kind == Kind
        && Close(other.Gamma, Gamma)
        && Close(other.IndexOffset, IndexOffset);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DDSketchMapping);

    /// <inheritdoc />
    public override int GetHashCode() => Kind.GetHashCode();

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"{Kind}(gamma={Gamma:R}, indexOffset={IndexOffset:R}, alpha={RelativeAccuracy:R})");

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-12 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
}
