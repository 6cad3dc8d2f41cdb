namespace ShadowAgent.Sketches.Tests.Quantiles;

/// <summary>Seeded test distributions and the exact quantile DDSketch approximates.</summary>
internal static class QuantileData
{
    public static double[] LogNormal(int n, double mu, double sigma, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = Math.Exp(mu + (sigma * StandardNormal(random)));
        }

        return values;
    }

    public static double[] Pareto(int n, double shape, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = 1.0 / Math.Pow(1.0 - random.NextDouble(), 1.0 / shape);
        }

        return values;
    }

    public static double[] Uniform(int n, double low, double high, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = low + ((high - low) * random.NextDouble());
        }

        return values;
    }

    /// <summary>Normal around 0 (so about half negative), with one value in ten exactly zero.</summary>
    public static double[] WithNegativesAndZeros(int n, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = random.Next(10) == 0 ? 0 : 100 * StandardNormal(random);
        }

        return values;
    }

    public static double[] Named(string name) => name switch
    {
        "lognormal" => LogNormal(100_000, 3, 1, 11),
        "pareto" => Pareto(100_000, 1.5, 12),
        "uniform" => Uniform(100_000, 0, 1000, 13),
        "negatives-and-zeros" => WithNegativesAndZeros(100_000, 14),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown data set"),
    };

    /// <summary>The value at rank floor(q·(n−1)) of the sorted values.</summary>
    public static double ExactQuantile(double[] sorted, double q) => sorted[(int)Math.Floor(q * (sorted.Length - 1))];

    public static double[] Sorted(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted;
    }

    private static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
