namespace ShadowAgent.Forecasting.Models;

/// <summary>
/// A fitted forecasting model: its parameters are fixed, its state moves forward one value at a time
/// (<see cref="Update"/>, allocation-free), and it forecasts any number of steps from the current state with
/// the variance of each step's forecast error under the model.
/// </summary>
internal abstract class ForecastModel
{
    /// <summary>Short name with the fitted structure, e.g. <c>ETS(A,Ad,A)[288]</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Season length the model uses (0 for none).</summary>
    public abstract int Period { get; }

    /// <summary>Variance of the one-step forecast errors.</summary>
    public abstract double Sigma2 { get; }

    /// <summary>Moves the state past the next value of the series.</summary>
    public abstract void Update(double value);

    /// <summary>
    /// Point forecasts for 1..<c>point.Length</c> steps ahead and the variance of each one's error.
    /// </summary>
    /// <param name="point">One element per step ahead.</param>
    /// <param name="variance">Same length as <paramref name="point"/>.</param>
    public abstract void Forecast(Span<double> point, Span<double> variance);
}
