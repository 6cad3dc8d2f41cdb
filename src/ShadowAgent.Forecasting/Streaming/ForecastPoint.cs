namespace ShadowAgent.Forecasting.Streaming;

/// <summary>One step of a forecast: the point forecast and its prediction interval at the requested level.</summary>
/// <param name="Value">The point forecast (the conditional mean under the fitted model).</param>
/// <param name="Lower">Lower bound of the central prediction interval.</param>
/// <param name="Upper">Upper bound of the central prediction interval.</param>
public readonly record struct ForecastPoint(double Value, double Lower, double Upper);
