namespace ShadowAgent.Benchmarks.Detection;

/// <summary>
/// Ten profile features over time, shaped like what a profile carries: a daily-seasonal volume and rate,
/// a distinct count, latency quantiles with a heavy tail, skew, schema share and spectral features, with
/// occasional spikes and one level shift. Seeded; values only, no allocation when read.
/// </summary>
internal static class DetectionWorkload
{
    public static readonly string[] Features =
        ["volume", "rate", "distinct", "p50", "p99", "top1_share", "entropy", "schema_share", "spectral_entropy", "dominant_period"];

    public static double[][] Vectors(int count, int seed = 42)
    {
        var random = new Random(seed);
        var vectors = new double[count][];
        for (var t = 0; t < count; t++)
        {
            var day = Math.Sin(2 * Math.PI * t / 288);
            var shift = t > count * 3 / 4 ? 1.5 : 1.0;
            var spike = random.NextDouble() < 0.002 ? 5.0 : 1.0;
            var v = new double[Features.Length];
            v[0] = ((1000 + (400 * day)) * shift * spike) + (30 * Gaussian(random));
            v[1] = v[0] / 10;
            v[2] = 300 + (80 * day) + (10 * Gaussian(random));
            v[3] = 20 + Gaussian(random);
            v[4] = 120 * Math.Exp(0.3 * Gaussian(random)) * (spike > 1 ? 3 : 1);
            v[5] = 0.2 + (0.02 * Gaussian(random));
            v[6] = 0.8 + (0.01 * Gaussian(random));
            v[7] = random.NextDouble() < 0.001 ? 0.5 : 1.0;
            v[8] = 0.6 + (0.05 * Gaussian(random));
            v[9] = 60 + Math.Round(Gaussian(random));
            vectors[t] = v;
        }

        return vectors;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
