namespace ShadowAgent.Forecasting.Models;

/// <summary>Trend component of an exponential smoothing model.</summary>
internal enum EtsTrend
{
    /// <summary>No trend (N).</summary>
    None,

    /// <summary>Additive trend (A): Holt's linear trend.</summary>
    Additive,

    /// <summary>Additive damped trend (Ad): the slope decays by φ each step (Gardner &amp; McKenzie 1985).</summary>
    Damped,
}

/// <summary>Seasonal component of an exponential smoothing model.</summary>
internal enum EtsSeason
{
    /// <summary>No season (N).</summary>
    None,

    /// <summary>Additive season (A): the season adds a fixed amount.</summary>
    Additive,

    /// <summary>Multiplicative season (M): the season scales the level; positive series only.</summary>
    Multiplicative,
}

/// <summary>Smoothing parameters: α (level), β (slope, at most α), γ (season, at most 1 − α), φ (damping).</summary>
internal readonly record struct EtsParameters(double Alpha, double Beta, double Gamma, double Phi);
