namespace ShadowAgent.Forecasting.Streaming;

/// <summary>
/// A forecaster fed one value at a time (a stream's volume per window, a resource series) that can forecast
/// the next steps with prediction intervals at any moment. Observing must be cheap and, between refits,
/// allocation-free; the forecast is computed on demand from the model's current state.
/// </summary>
public interface IForecaster
{
    /// <summary>Values observed since construction.</summary>
    long Observed { get; }

    /// <summary>Feeds the next value of the series.</summary>
    /// <param name="value">A finite number.</param>
    void Observe(double value);

    /// <summary>
    /// Forecasts the next <c>destination.Length</c> steps: step i + 1 ahead into <c>destination[i]</c>, each with
    /// the central prediction interval of probability <paramref name="level"/>.
    /// </summary>
    /// <param name="destination">One element per step ahead.</param>
    /// <param name="level">Interval probability, in (0, 1), e.g. 0.95.</param>
    void Forecast(Span<ForecastPoint> destination, double level);
}
