namespace ShadowAgent.Detection.Statistics;

/// <summary>The standard normal upper tail Q(z) = P(Z &gt; z), in logarithms so extreme z stay finite.</summary>
internal static class NormalTail
{
    /// <summary>ln Q(z), with erfc from the Chebyshev-fitted form in Numerical Recipes (erfcc, relative error
    /// below 1.2e-7 everywhere), whose exp(−x² + …) shape gives the logarithm without underflow.</summary>
    public static double LogUpper(double z)
    {
        var x = z / Math.Sqrt(2);
        if (x < 0)
        {
            // Q(z) = 1 − Q(−z); below the mean the tail is at least 1/2.
            return Math.Log(1 - (0.5 * Math.Exp(LogErfc(-x))));
        }

        return Math.Log(0.5) + LogErfc(x);
    }

    private static double LogErfc(double x)
    {
        var t = 1 / (1 + (0.5 * x));
        var poly = -1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806 +
            (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851638 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        return Math.Log(t) - (x * x) + poly;
    }
}
