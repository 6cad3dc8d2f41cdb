namespace ShadowAgent.Forecasting.Selection;

/// <summary>The model families the forecaster chooses between.</summary>
internal enum ModelFamily
{
    /// <summary>Seasonal naive (naive without a period): the baseline.</summary>
    SeasonalNaive,

    /// <summary>Exponential smoothing (Holt-Winters / ETS).</summary>
    Ets,

    /// <summary>ARIMA with an automatic order.</summary>
    Arima,
}
