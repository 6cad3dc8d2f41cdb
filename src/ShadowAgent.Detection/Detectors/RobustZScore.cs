using ShadowAgent.Detection.Statistics;

namespace ShadowAgent.Detection.Detectors;

/// <summary>
/// Robust z-score: the distance of a value from the rolling median of the last <c>window</c> values, in units
/// of the rolling median absolute deviation (scaled by 1.4826 to estimate σ for Gaussian data). A spike is
/// not absorbed into its own baseline as it would be with a mean and standard deviation.
/// </summary>
/// <remarks>
/// When more than half the window holds one value (a flat or quantized series) the MAD is zero; the scale then
/// falls back to the 10–90% spread and finally to a tiny fraction of the median, so a departure from a
/// perfectly flat line still scores very high instead of dividing by zero.
/// </remarks>
public sealed class RobustZScore : IStreamDetector
{
    private const double MadToSigma = 1.4826;
    private const double SpreadToSigma = 1 / 2.5631; // (q90 - q10) of a standard normal

    private readonly SortedWindow _window;
    private readonly int _warmup;

    /// <param name="window">Values the median and MAD are taken over.</param>
    /// <param name="warmup">Values needed before the first score.</param>
    public RobustZScore(int window, int warmup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 3);
        _window = new SortedWindow(window);
        _warmup = Math.Clamp(warmup, 3, window);
    }

    public string Name => "robust_z";

    /// <summary>Median of the window (NaN when empty), for explanations.</summary>
    public double Median => _window.Median();

    public void Restart() => _window.Clear();

    public double Observe(double value)
    {
        var statistic = double.NaN;
        if (_window.Count >= _warmup)
        {
            var median = _window.Median();
            var scale = MadToSigma * _window.MedianAbsoluteDeviation(median);
            if (!(scale > 0))
            {
                scale = SpreadToSigma * (_window.Quantile(0.9) - _window.Quantile(0.1));
            }

            if (!(scale > 0))
            {
                scale = 1e-6 * Math.Max(Math.Abs(median), 1e-9);
            }

            statistic = Math.Abs(value - median) / scale;
        }

        _window.Add(value);
        return statistic;
    }
}
