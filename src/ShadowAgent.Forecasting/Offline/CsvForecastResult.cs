using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Forecasting.Offline;

/// <summary>What <see cref="CsvForecast.Run"/> fitted and forecast.</summary>
/// <param name="Rows">Rows read and fitted on.</param>
/// <param name="Step">The series' step (median gap between rows).</param>
/// <param name="Model">Name of the chosen model.</param>
/// <param name="Period">Season found (0 for none).</param>
/// <param name="Timestamps">Timestamp of each forecast step.</param>
/// <param name="Points">Forecast and interval of each step.</param>
public sealed record CsvForecastResult(int Rows, TimeSpan Step, string Model, int Period, DateTime[] Timestamps, ForecastPoint[] Points);
