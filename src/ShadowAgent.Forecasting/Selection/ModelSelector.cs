using ShadowAgent.Forecasting.Models;
using ShadowAgent.Forecasting.Seasonality;
using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Forecasting.Selection;

/// <summary>
/// Chooses a series' model: detects the season, scores every candidate of <see cref="ModelSpec.Candidates"/>
/// by a rolling-origin <see cref="Backtest"/> on the recent history (MASE at the configured horizon), and
/// fits the best on the whole history. Ties go to the earlier, simpler candidate; the naive forecast is
/// always a candidate, so a series no model predicts gets the baseline rather than a confident wrong model.
/// </summary>
/// <remarks>
/// The origins cover the last max(4·horizon, one season + horizon) values, at most a third of the history,
/// so a seasonal model is judged over a whole season and not on one stretch of it.
/// </remarks>
internal sealed class ModelSelector
{
    private readonly ForecastOptions _options;
    private readonly SeasonalityDetector _detector;

    public ModelSelector(ForecastOptions options)
    {
        _options = options;
        _detector = new SeasonalityDetector(options.SeasonalityWindow);
    }

    public ModelSelection Select(ReadOnlySpan<double> history)
    {
        var seasonality = _detector.Detect(history, _options.MinPeriod, _options.MaxPeriod, _options.MinSeasonalAutocorrelation);
        var period = seasonality.Period;
        var positive = true;
        foreach (var v in history)
        {
            positive &= v > 0;
        }

        // A short history is scored on a shorter horizon rather than not at all.
        var horizon = Math.Min(_options.BacktestHorizon, Math.Max(1, history.Length / 4));
        var span = Math.Min(Math.Max(4 * horizon, period + horizon), history.Length / 3);
        var origins = Backtest.Origins(history.Length, horizon, _options.BacktestOrigins, span);
        var scale = Backtest.Scale(history[..origins[0]], period);
        var candidates = ModelSpec.Candidates(period, positive);
        var scores = new List<(ModelSpec, double)>(candidates.Count);
        var winner = candidates[0];
        var best = double.PositiveInfinity;
        foreach (var spec in candidates)
        {
            var score = origins[0] >= 2 ? Backtest.Score(spec, history, origins, horizon, scale) : double.PositiveInfinity;
            scores.Add((spec, score));
            if (score < best)
            {
                best = score;
                winner = spec;
            }
        }

        var model = winner.Fit(history) ?? SeasonalNaive.Fit(history, 0);
        return new ModelSelection(seasonality, scores, winner, model);
    }
}
