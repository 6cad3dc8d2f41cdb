namespace ShadowAgent.Forecasting.Models;

/// <summary>
/// The seasonal naive forecast: each step repeats the value one season earlier (period 1: the last value,
/// the naive random-walk forecast). It is the baseline every other model must beat, and the forecaster's
/// model until enough history has arrived. The error variance of h steps ahead is σ²·(⌊(h − 1)/m⌋ + 1)
/// (Hyndman &amp; Athanasopoulos, "Forecasting: principles and practice", 3rd ed., §5.5), σ² the mean square
/// of the one-season differences seen so far (a running sum: it never forgets).
/// </summary>
internal sealed class SeasonalNaive : ForecastModel
{
    private readonly double[] _season;
    private int _next;
    private long _seen;
    private double _sumSquares;
    private long _differences;

    /// <param name="period">Season length; 1 or less for the naive forecast.</param>
    public SeasonalNaive(int period)
    {
        _season = new double[Math.Max(1, period)];
    }

    public override string Name => _season.Length == 1 ? "Naive" : $"SeasonalNaive[{_season.Length}]";

    public override int Period => _season.Length == 1 ? 0 : _season.Length;

    public override double Sigma2 => _differences > 0 ? _sumSquares / _differences : 0;

    /// <summary>A model that has seen all of <paramref name="history"/>.</summary>
    public static SeasonalNaive Fit(ReadOnlySpan<double> history, int period)
    {
        var model = new SeasonalNaive(period);
        foreach (var value in history)
        {
            model.Update(value);
        }

        return model;
    }

    public override void Update(double value)
    {
        if (_seen >= _season.Length)
        {
            var e = value - _season[_next];
            _sumSquares += e * e;
            _differences++;
        }

        _season[_next] = value;
        _next = _next + 1 == _season.Length ? 0 : _next + 1;
        _seen++;
    }

    public override void Forecast(Span<double> point, Span<double> variance)
    {
        var m = _season.Length;
        var sigma2 = Sigma2;
        var last = _seen == 0 ? 0 : _season[(_next + m - 1) % m];
        for (var i = 0; i < point.Length; i++)
        {
            // Step i + 1 repeats the value at the same phase of the last full season: the ring's oldest value
            // is the phase of step 1.
            point[i] = _seen >= m ? _season[(_next + (i % m)) % m] : last;
            variance[i] = sigma2 * ((i / m) + 1);
        }
    }
}
