using ShadowAgent.Models.Training;

namespace ShadowAgent.Models.Tests;

/// <summary>
/// Labelled profile feature vectors: twelve features driven by three hidden factors (load, latency, mix) plus
/// noise, on different scales like a profile's (counts in thousands, latencies in ms, shares in [0, 1]); outliers
/// are spikes (one to three features moved by 4–8 standard deviations), scattered (every feature uniform over ±6
/// standard deviations) or inconsistent (features that move together disagree, each inside its usual range).
/// Seeded.
/// </summary>
internal static class SyntheticProfiles
{
    public const int Features = 12;

    public static readonly string[] Names =
        ["volume", "rate", "bytes", "distinct", "p50", "p90", "p99", "errors", "top1_share", "entropy", "schema_share", "spectral_entropy"];

    private static readonly double[] Offsets = [1000, 100, 2e5, 300, 20, 60, 120, 5, 0.2, 0.8, 1.0, 0.6];
    private static readonly double[] Spreads = [300, 30, 6e4, 80, 4, 12, 30, 2, 0.04, 0.05, 0.01, 0.08];

    /// <summary>Rows and their kinds; <paramref name="outliers"/> rows at random are outliers, a third of each kind.</summary>
    /// <param name="rows">Rows to generate.</param>
    /// <param name="outliers">How many of them are outliers.</param>
    /// <param name="seed">Random seed.</param>
    /// <param name="strength">Scales every outlier's displacement (1 = the sizes above; 0.5 makes them subtle).</param>
    public static (FeatureMatrix Rows, OutlierKind[] Kinds) Generate(int rows, int outliers, int seed, double strength = 1)
    {
        var random = new Random(seed);
        var values = new float[rows * Features];
        var kinds = new OutlierKind[rows];
        var k = 0;
        foreach (var r in Enumerable.Range(0, rows).OrderBy(_ => random.Next()).Take(outliers))
        {
            kinds[r] = (OutlierKind)(1 + (k++ % 3));
        }

        Span<double> x = stackalloc double[Features];
        for (var r = 0; r < rows; r++)
        {
            Normal(random, x);
            if (kinds[r] == OutlierKind.Spike)
            {
                var moved = 1 + random.Next(3);
                for (var m = 0; m < moved; m++)
                {
                    x[random.Next(Features)] += (random.NextDouble() < 0.5 ? -1 : 1) * (4 + (4 * random.NextDouble())) * strength;
                }
            }
            else if (kinds[r] == OutlierKind.Scattered)
            {
                // The classic contamination of isolation-forest evaluations: uniform over a box wider than the data.
                for (var f = 0; f < Features; f++)
                {
                    x[f] = (-6 + (12 * random.NextDouble())) * strength;
                }
            }
            else if (kinds[r] == OutlierKind.Inconsistent)
            {
                // Features that always move together disagree: volume and rate high while bytes and distinct
                // users are low (or the reverse); each value stays inside its usual range.
                var sign = random.NextDouble() < 0.5 ? -1 : 1;
                var size = (1.5 + random.NextDouble()) * strength;
                x[0] = (sign * size) + (0.3 * Gaussian(random));
                x[1] = (sign * size) + (0.3 * Gaussian(random));
                x[2] = (-sign * size) + (0.3 * Gaussian(random));
                x[3] = (-sign * size) + (0.3 * Gaussian(random));
            }

            for (var f = 0; f < Features; f++)
            {
                values[(r * Features) + f] = (float)(Offsets[f] + (Spreads[f] * x[f]));
            }
        }

        return (new FeatureMatrix(values, Features), kinds);
    }

    /// <summary>Labels for AUC: outliers of <paramref name="kind"/> (or of any kind when null) are positives;
    /// ordinary rows negatives; outliers of the other kind left out (null).</summary>
    public static bool?[] Labels(OutlierKind[] kinds, OutlierKind? kind) =>
        [.. kinds.Select(k => k == OutlierKind.None ? false : kind is null || k == kind ? true : (bool?)null)];

    /// <summary>One ordinary vector in standard units: three factors and independent noise.</summary>
    private static void Normal(Random random, Span<double> x)
    {
        var load = Gaussian(random);
        var latency = (0.6 * load) + (0.8 * Gaussian(random));
        var mix = Gaussian(random);
        for (var f = 0; f < Features; f++)
        {
            var factor = f switch
            {
                < 4 => load,
                < 8 => latency,
                _ => mix,
            };
            x[f] = (0.9 * factor) + (0.3 * Gaussian(random));
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>What a synthetic row is.</summary>
internal enum OutlierKind
{
    None,
    Spike,
    Scattered,
    Inconsistent,
}
