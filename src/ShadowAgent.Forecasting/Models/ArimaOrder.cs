namespace ShadowAgent.Forecasting.Models;

/// <summary>
/// The structure of a (seasonally differenced) ARIMA model: ARIMA(p, d, q)(0, D, 0)[m] with or without a
/// constant (the mean when undifferenced, the drift when differenced once).
/// </summary>
/// <param name="P">Autoregressive order p.</param>
/// <param name="D">Differences d.</param>
/// <param name="Q">Moving-average order q.</param>
/// <param name="SeasonalD">Seasonal differences D (0 or 1).</param>
/// <param name="Period">Season m for the seasonal difference (0 without).</param>
/// <param name="Constant">Whether the differenced series has a constant.</param>
internal readonly record struct ArimaOrder(int P, int D, int Q, int SeasonalD, int Period, bool Constant)
{
    public override string ToString()
    {
        var text = $"ARIMA({P},{D},{Q})";
        if (SeasonalD > 0)
        {
            text += $"(0,{SeasonalD},0)[{Period}]";
        }

        return Constant ? text + (D + SeasonalD == 0 ? " with mean" : " with drift") : text;
    }
}
