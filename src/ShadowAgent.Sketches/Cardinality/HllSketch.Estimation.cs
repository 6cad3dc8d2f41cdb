namespace ShadowAgent.Sketches.Cardinality;

public sealed partial class HllSketch
{
    /// <summary>
    /// Distinct-count estimate: the coupon estimator in LIST/SET mode, the HIP accumulator for a sketch that has
    /// only seen its own updates, the composite estimator after a merge.
    /// </summary>
    public double GetEstimate()
    {
        if (_registers is null)
        {
            return HllEstimators.CouponEstimate(_couponCount);
        }

        return IsOutOfOrder ? GetCompositeEstimate() : _hipAccum;
    }

    /// <summary>The non-HIP estimate from the registers alone (what a merged sketch reports).</summary>
    public double GetCompositeEstimate() => _registers is null
        ? HllEstimators.CouponEstimate(_couponCount)
        : HllEstimators.CompositeEstimate(LgK, _kxq0, _kxq1, _numZeros);

    /// <summary>Lower bound at 1, 2 or 3 standard deviations, as DataSketches computes it.</summary>
    public double GetLowerBound(int numStdDev)
    {
        CheckStdDev(numStdDev);
        if (_registers is null)
        {
            return HllEstimators.CouponLowerBound(_couponCount, numStdDev);
        }

        var k = 1 << LgK;
        double nonZeros = k - _numZeros;
        var relErr = HllTables.RelativeError(upper: false, IsOutOfOrder, LgK, numStdDev);
        return Math.Max(GetEstimate() / (1.0 + relErr), nonZeros);
    }

    /// <summary>Upper bound at 1, 2 or 3 standard deviations, as DataSketches computes it.</summary>
    public double GetUpperBound(int numStdDev)
    {
        CheckStdDev(numStdDev);
        if (_registers is null)
        {
            return HllEstimators.CouponUpperBound(_couponCount, numStdDev);
        }

        var relErr = HllTables.RelativeError(upper: true, IsOutOfOrder, LgK, numStdDev);
        return GetEstimate() / (1.0 + relErr);
    }

    private static void CheckStdDev(int numStdDev)
    {
        if (numStdDev is < 1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(numStdDev), numStdDev, "numStdDev must be 1, 2 or 3.");
        }
    }
}
