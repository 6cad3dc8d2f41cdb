namespace ShadowAgent.Evaluation.Forecasting;

/// <summary>One series' rolling-origin accuracy: MASE of the forecaster and of the baselines, and interval coverage.</summary>
/// <param name="Name">family/file.csv.</param>
/// <param name="Rows">Values in the series.</param>
/// <param name="SeasonalPeriod">The baseline's season: one day in steps.</param>
/// <param name="Mase">The forecaster's MASE over the origins.</param>
/// <param name="SeasonalNaiveMase">Seasonal naive (one-day season) MASE over the same origins.</param>
/// <param name="NaiveMase">Naive (last value) MASE over the same origins.</param>
/// <param name="Coverage">Share of the actual values inside the forecaster's intervals.</param>
/// <param name="Models">The model in use at each origin.</param>
/// <param name="Periods">The season detected at each origin (0 for none).</param>
internal sealed record ForecastSeriesResult(
    string Name,
    int Rows,
    int SeasonalPeriod,
    double Mase,
    double SeasonalNaiveMase,
    double NaiveMase,
    double Coverage,
    IReadOnlyList<string> Models,
    IReadOnlyList<int> Periods)
{
    /// <summary>The target's ratio: forecaster MASE over seasonal naive MASE.</summary>
    public double Ratio => Mase / SeasonalNaiveMase;

    /// <summary>Forecaster MASE over naive MASE.</summary>
    public double NaiveRatio => Mase / NaiveMase;

    public string Family => Name[..Name.IndexOf('/', StringComparison.Ordinal)];
}
