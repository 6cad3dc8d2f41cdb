namespace ShadowAgent.Aggregator.Demo;

/// <summary>
/// The share of peak traffic a consumer-facing service sees at each hour of the day: a night trough, a
/// morning ramp, a lunch peak, an afternoon plateau and the evening peak — the shape of most web traffic.
/// Built from smooth bumps so that a compressed day has no steps a detector could mistake for incidents.
/// </summary>
internal static class DailyShape
{
    private const double Floor = 0.12;

    private static readonly (double Hour, double Height, double Width)[] Bumps =
    [
        (9.5, 0.45, 1.6),   // morning arrival
        (12.5, 0.60, 1.2),  // lunch
        (15.5, 0.45, 2.0),  // afternoon
        (20.5, 0.80, 1.8),  // evening peak
    ];

    private static readonly double Peak = Enumerable.Range(0, 24 * 60).Max(minute => Raw(minute / 60.0));

    /// <summary>Fraction of peak rate in (0, 1] at the given hour of day (0 ≤ hour &lt; 24).</summary>
    public static double At(double hour) => Raw(hour) / Peak;

    private static double Raw(double hour)
    {
        var value = Floor;
        foreach (var (center, height, width) in Bumps)
        {
            // Wrap the distance so the evening bump shades into the night.
            var d = Math.Abs(hour - center);
            d = Math.Min(d, 24 - d) / width;
            value += height * Math.Exp(-0.5 * d * d);
        }

        return value;
    }
}
