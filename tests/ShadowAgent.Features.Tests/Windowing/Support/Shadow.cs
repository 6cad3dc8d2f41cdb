using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Windowing;

namespace ShadowAgent.Features.Tests.Windowing.Support;

/// <summary>A stream's windows on a hand-driven clock, and seeded data to feed them.</summary>
internal static class Shadow
{
    /// <summary>2025-01-01T00:00:00Z, a multiple of every window and hop used in the tests.</summary>
    public static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_735_689_600_000);

    public static (StreamWindows Windows, ManualTimeProvider Time) Start(StreamOptions options, DateTimeOffset? at = null)
    {
        var time = new ManualTimeProvider(at ?? T0);

        // A fixed sampling seed: every check on sampled totals gives the same answer on every run.
        return (new StreamWindows(options, time) { SamplingSeed = 20261124 }, time);
    }

    public static void Batch(IRecordSink sink, Action body)
    {
        sink.BeginBatch();
        body();
        sink.EndBatch();
    }

    /// <summary>exp(mu + sigma·Z) with Z standard normal (Box-Muller), from a seeded generator.</summary>
    public static double[] LogNormal(int count, double mu, double sigma, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            values[i] = Math.Exp(mu + (sigma * z));
        }

        return values;
    }

    /// <summary>The value at rank floor(q·(n−1)) of the sorted values: the quantile DDSketch estimates.</summary>
    public static double ExactQuantile(double[] sorted, double q) => sorted[(int)Math.Floor(q * (sorted.Length - 1))];

    /// <summary>HyperLogLog's relative standard error for 2^lgK registers.</summary>
    public static double HllSigma(int lgK) => 1.04 / Math.Sqrt(1 << lgK);
}
