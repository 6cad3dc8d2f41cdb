using ShadowAgent.Forecasting.Models;

namespace ShadowAgent.Forecasting.Selection;

/// <summary>A candidate model before fitting: its family and structure.</summary>
/// <param name="Family">The family.</param>
/// <param name="Period">Season length (0 for none).</param>
/// <param name="Trend">ETS trend (ETS only).</param>
/// <param name="Season">ETS season (ETS only).</param>
internal sealed record ModelSpec(ModelFamily Family, int Period, EtsTrend Trend = EtsTrend.None, EtsSeason Season = EtsSeason.None)
{
    /// <summary>Whether the model uses the season.</summary>
    public bool IsSeasonal => Period > 1;

    public string Name => Family switch
    {
        ModelFamily.SeasonalNaive => Period > 1 ? $"SeasonalNaive[{Period}]" : "Naive",
        ModelFamily.Ets => ExponentialSmoothing.Describe(Trend, Season, Period),
        _ => Period > 1 ? $"ARIMA(auto)[{Period}]" : "ARIMA(auto)",
    };

    /// <summary>The model fitted to <paramref name="history"/>, its state after the last value; null when it does not fit.</summary>
    public ForecastModel? Fit(ReadOnlySpan<double> history) => Family switch
    {
        ModelFamily.SeasonalNaive => SeasonalNaive.Fit(history, Period),
        ModelFamily.Ets => EtsFitter.Fit(history, Trend, Season, Period),
        _ => ArimaFitter.FitAuto(history, Period),
    };

    /// <summary>
    /// The candidates for a series with season <paramref name="period"/> (0 for none): the naive baselines,
    /// ETS with no and damped trend, seasonal ETS (additive, multiplicative when every value is positive) and
    /// automatic ARIMA. Holt's undamped linear trend is left out: extrapolating a slope forever loses on
    /// operational series far more often than it wins (Gardner &amp; McKenzie 1985), and damping covers trends.
    /// </summary>
    public static List<ModelSpec> Candidates(int period, bool positive)
    {
        var list = new List<ModelSpec>
        {
            new(ModelFamily.SeasonalNaive, 0),
            new(ModelFamily.Ets, 0, EtsTrend.None, EtsSeason.None),
            new(ModelFamily.Ets, 0, EtsTrend.Damped, EtsSeason.None),
            new(ModelFamily.Arima, 0),
        };

        if (period > 1)
        {
            list.Add(new(ModelFamily.SeasonalNaive, period));
            list.Add(new(ModelFamily.Ets, period, EtsTrend.None, EtsSeason.Additive));
            list.Add(new(ModelFamily.Ets, period, EtsTrend.Damped, EtsSeason.Additive));
            if (positive)
            {
                list.Add(new(ModelFamily.Ets, period, EtsTrend.None, EtsSeason.Multiplicative));
                list.Add(new(ModelFamily.Ets, period, EtsTrend.Damped, EtsSeason.Multiplicative));
            }

            list.Add(new(ModelFamily.Arima, period));
        }

        return list;
    }
}
