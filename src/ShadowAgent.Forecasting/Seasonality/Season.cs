namespace ShadowAgent.Forecasting.Seasonality;

/// <summary>The outcome of seasonality detection.</summary>
/// <param name="Period">The season's length in steps, or 0 when the series has none.</param>
/// <param name="Autocorrelation">The series' autocorrelation at that lag (0 when none).</param>
public readonly record struct Season(int Period, double Autocorrelation)
{
    /// <summary>No season found.</summary>
    public static Season None => default;

    /// <summary>True when a period was found.</summary>
    public bool HasPeriod => Period > 1;
}
