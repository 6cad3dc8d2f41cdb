namespace ShadowAgent.Sketches.Cardinality;

/// <summary>
/// Estimators of the DataSketches HLL family (Lang, "Back to the Future: an Even More Nearly Optimal
/// Cardinality Estimation Algorithm", 2017, for HIP and the coupon mapping; Flajolet et al. 2007 for the
/// raw HLL estimate and linear counting). Arithmetic is ordered as in DataSketches so results agree bit for bit.
/// </summary>
internal static class HllEstimators
{
    private const double EulerMascheroni = 0.577215664901532860606512090082;

    /// <summary>Estimate from the number of distinct coupons (LIST and SET modes).</summary>
    public static double CouponEstimate(int couponCount) => Math.Max(CouponInterpolation(couponCount), couponCount);

    public static double CouponLowerBound(int couponCount, int numStdDev) =>
        Math.Max(CouponInterpolation(couponCount) / (1.0 + (numStdDev * HllTables.CouponRse)), couponCount);

    public static double CouponUpperBound(int couponCount, int numStdDev) =>
        Math.Max(CouponInterpolation(couponCount) / (1.0 - (numStdDev * HllTables.CouponRse)), couponCount);

    /// <summary>Flajolet's raw estimate with DataSketches' small-K correction factors.</summary>
    public static double RawEstimate(int lgK, double kxq0, double kxq1)
    {
        var k = (double)(1 << lgK);
        var correction = lgK switch
        {
            4 => 0.673,
            5 => 0.697,
            6 => 0.709,
            _ => 0.7213 / (1.0 + (1.079 / k)),
        };
        return (correction * k * k) / (kxq0 + kxq1);
    }

    /// <summary>Linear counting, with the exact harmonic-number form of the coupon collector's expectation.</summary>
    public static double BitmapEstimate(int lgK, int numZeros)
    {
        var k = 1 << lgK;
        if (numZeros == 0)
        {
            return k * Math.Log(k / 0.5);
        }

        return k * (HarmonicNumber(k) - HarmonicNumber(numZeros));
    }

    /// <summary>
    /// Estimate without HIP (after a merge or for out-of-order input): linear counting while buckets are still
    /// empty and the raw estimate is in its biased low range (below 2.5K), the raw estimate above.
    /// DataSketches instead corrects the raw estimate's low-range bias with an empirical interpolation table,
    /// so this differs from its composite estimate by a fraction of the standard error.
    /// </summary>
    public static double CompositeEstimate(int lgK, double kxq0, double kxq1, int numZeros)
    {
        var raw = RawEstimate(lgK, kxq0, kxq1);
        var k = 1 << lgK;
        if (numZeros > 0 && raw <= 2.5 * k)
        {
            return BitmapEstimate(lgK, numZeros);
        }

        return raw;
    }

    internal static double HarmonicNumber(int n)
    {
        if (n < 25)
        {
            double sum = 0;
            for (var i = 1; i <= n; i++)
            {
                sum += 1.0 / i;
            }

            return sum;
        }

        // Euler–Maclaurin: ln n + γ + 1/2n − 1/12n² + 1/120n⁴ − 1/252n⁶ + 1/240n⁸ is exact to double precision here.
        double x = n;
        var invSq = 1.0 / (x * x);
        var result = Math.Log(x) + EulerMascheroni + (1.0 / (2.0 * x));
        var pow = invSq;
        result -= pow * (1.0 / 12.0);
        pow *= invSq;
        result += pow * (1.0 / 120.0);
        pow *= invSq;
        result -= pow * (1.0 / 252.0);
        pow *= invSq;
        result += pow * (1.0 / 240.0);
        return result;
    }

    private static double CouponInterpolation(int couponCount)
    {
        var xs = HllTables.CouponX;
        var ys = HllTables.CouponY;
        double x = couponCount;
        if (x == xs[^1])
        {
            return ys[^1];
        }

        // Index j with xs[j] <= x < xs[j+1]; four points around it, shifted inward at both ends.
        var j = 0;
        var hi = xs.Length - 1;
        while (hi - j > 1)
        {
            var mid = j + ((hi - j) / 2);
            if (xs[mid] <= x)
            {
                j = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var start = j == 0 ? 0 : j == xs.Length - 2 ? j - 2 : j - 1;
        return Lagrange4(xs.Slice(start, 4), ys.Slice(start, 4), x);
    }

    private static double Lagrange4(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, double x)
    {
        double x0 = xs[0], x1 = xs[1], x2 = xs[2], x3 = xs[3];
        var n0 = (x - x1) * (x - x2) * (x - x3);
        var n1 = (x - x0) * (x - x2) * (x - x3);
        var n2 = (x - x0) * (x - x1) * (x - x3);
        var n3 = (x - x0) * (x - x1) * (x - x2);
        var d0 = (x0 - x1) * (x0 - x2) * (x0 - x3);
        var d1 = (x1 - x0) * (x1 - x2) * (x1 - x3);
        var d2 = (x2 - x0) * (x2 - x1) * (x2 - x3);
        var d3 = (x3 - x0) * (x3 - x1) * (x3 - x2);
        return (ys[0] * n0 / d0) + (ys[1] * n1 / d1) + (ys[2] * n2 / d2) + (ys[3] * n3 / d3);
    }
}
