namespace ShadowAgent.Detection.Tests;

/// <summary>Series the detector tests build: seeded, so every run sees the same values.</summary>
internal static class TestSeries
{
    /// <summary>The copied NAB series next to the test binaries (tests/data/nab).</summary>
    public static string NabFolder { get; } = Path.Combine(AppContext.BaseDirectory, "nab");

    public static double[] Gaussian(int count, double mean, double sigma, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = mean + (sigma * Normal(random));
        }

        return values;
    }

    public static double[] Seasonal(int count, int period, double amplitude, double noise, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = 50 + (amplitude * Math.Sin(2 * Math.PI * i / period)) + (noise * Normal(random));
        }

        return values;
    }

    public static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
