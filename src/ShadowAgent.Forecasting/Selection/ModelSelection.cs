using ShadowAgent.Forecasting.Models;
using ShadowAgent.Forecasting.Seasonality;

namespace ShadowAgent.Forecasting.Selection;

/// <summary>The outcome of one selection: the season found, each candidate's backtest score and the fitted winner.</summary>
/// <param name="Seasonality">The detected season.</param>
/// <param name="Scores">Every candidate with its backtest MASE (+∞ when it could not be fitted), in candidate order.</param>
/// <param name="Winner">The candidate with the lowest score.</param>
/// <param name="Model">The winner fitted on the whole history, its state after the last value.</param>
internal sealed record ModelSelection(Season Seasonality, IReadOnlyList<(ModelSpec Spec, double Mase)> Scores, ModelSpec Winner, ForecastModel Model);
