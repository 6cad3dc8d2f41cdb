namespace ShadowAgent.Forecasting.Tests;

/// <summary>Series the forecasting tests simulate from known models: seeded, so every run sees the same values.</summary>
internal static class Simulated
{
    /// <summary>The copied NAB series next to the test binaries (tests/data/nab).</summary>
    public static string NabFolder { get; } = Path.Combine(AppContext.BaseDirectory, "nab");

    public static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>level + slope·t + amplitude·sin(2πt/period) + N(0, noise²).</summary>
    public static double[] Seasonal(int count, int period, double level, double slope, double amplitude, double noise, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var t = 0; t < count; t++)
        {
            values[t] = level + (slope * t) + (amplitude * Math.Sin(2 * Math.PI * t / period)) + (noise * Normal(random));
        }

        return values;
    }

    /// <summary>A random walk with N(0, step²) increments from <paramref name="start"/>.</summary>
    public static double[] RandomWalk(int count, double start, double step, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        var x = start;
        for (var t = 0; t < count; t++)
        {
            x += step * Normal(random);
            values[t] = x;
        }

        return values;
    }

    /// <summary>y_t = mean + Σ φ_i (y_{t−i} − mean) + e_t, e ~ N(0, σ²), after a burn-in of 500 values.</summary>
    public static double[] Autoregressive(int count, double mean, double[] phi, double sigma, int seed)
    {
        var random = new Random(seed);
        const int BurnIn = 500;
        var x = new double[count + BurnIn];
        for (var t = 0; t < x.Length; t++)
        {
            var v = sigma * Normal(random);
            for (var i = 0; i < phi.Length && t - i - 1 >= 0; i++)
            {
                v += phi[i] * x[t - i - 1];
            }

            x[t] = v;
        }

        return x.Skip(BurnIn).Select(v => v + mean).ToArray();
    }

    /// <summary>The local level model: a random walk level (step σ_η) seen through N(0, σ_ε²) noise.</summary>
    public static double[] LocalLevel(int count, double start, double levelStep, double noise, Random random)
    {
        var values = new double[count];
        var level = start;
        for (var t = 0; t < count; t++)
        {
            level += levelStep * Normal(random);
            values[t] = level + (noise * Normal(random));
        }

        return values;
    }
}
