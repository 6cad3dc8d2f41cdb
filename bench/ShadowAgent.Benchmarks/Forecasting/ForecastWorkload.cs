namespace ShadowAgent.Benchmarks.Forecasting;

/// <summary>The series the forecasting benchmarks run on: seeded, 5-minute-like, 4,096 values of history and more to observe.</summary>
internal static class ForecastWorkload
{
    public const int History = 4096;
    public const int Period = 288;

    /// <summary>A daily cycle of 288 steps with noise, always positive; or a random walk.</summary>
    public static double[] Series(string kind, int count)
    {
        var random = new Random(2024);
        var values = new double[count];
        var walk = 100.0;
        for (var t = 0; t < count; t++)
        {
            var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            walk += noise;
            values[t] = kind == "seasonal" ? 100 + (30 * Math.Sin(2 * Math.PI * t / Period)) + (5 * noise) : walk;
        }

        return values;
    }
}
