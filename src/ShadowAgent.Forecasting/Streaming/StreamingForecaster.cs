using MathNet.Numerics.Distributions;
using ShadowAgent.Forecasting.Models;
using ShadowAgent.Forecasting.Selection;

namespace ShadowAgent.Forecasting.Streaming;

/// <summary>
/// The forecaster of one series: keeps the recent history in a bounded ring, advances its current model on
/// each value, and every <see cref="ForecastOptions.RefitEvery"/> values chooses the model anew (season
/// detection, rolling-origin backtest of every candidate, fit of the winner on the history). Until
/// <see cref="ForecastOptions.MinHistory"/> values have arrived it forecasts naively.
/// </summary>
/// <remarks>
/// <see cref="Observe"/> allocates nothing except on the values that trigger a refit; <see cref="Forecast"/>
/// allocates only when asked for a longer horizon than before. Intervals are the model's point forecast
/// ± z·σ_h, σ_h² the model's h-step error variance (see each model) and z the normal quantile of the level.
/// A series that has never been negative (a volume, a utilization) gets its forecasts and bounds clipped at 0.
/// Not thread-safe: one series, one caller.
/// </remarks>
public sealed class StreamingForecaster : IForecaster
{
    private readonly ForecastOptions _options;
    private readonly ModelSelector _selector;
    private readonly double[] _ring;
    private readonly double[] _history;
    private int _next;
    private long _sinceRefit;
    private bool _neverNegative = true;
    private ForecastModel _model = new SeasonalNaive(0);
    private double[] _point = [];
    private double[] _variance = [];
    private double _level = double.NaN;
    private double _z;

    /// <param name="options">Settings (validated; defaults when null). The forecaster keeps its own copy.</param>
    public StreamingForecaster(ForecastOptions? options = null)
    {
        _options = (options ?? new ForecastOptions()).Clone();
        _options.Validate();
        _selector = new ModelSelector(_options);
        _ring = new double[_options.HistoryCapacity];
        _history = new double[_options.HistoryCapacity];
    }

    public long Observed { get; private set; }

    /// <summary>Name of the model in use, e.g. <c>ETS(A,Ad,A)[288]</c> (<c>Naive</c> before the first fit).</summary>
    public string ModelName => _model.Name;

    /// <summary>Season length of the last selection (0 when none was found or before the first fit).</summary>
    public int Period => LastSelection?.Seasonality.Period ?? 0;

    /// <summary>Fits so far.</summary>
    public int Refits { get; private set; }

    /// <summary>The last selection, with every candidate's backtest score.</summary>
    internal ModelSelection? LastSelection { get; private set; }

    internal ForecastModel Model => _model;

    public void Observe(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A forecaster observes finite values only.");
        }

        _ring[_next] = value;
        _next = _next + 1 == _ring.Length ? 0 : _next + 1;
        _neverNegative &= value >= 0;
        _model.Update(value);
        Observed++;
        _sinceRefit++;
        if (Observed >= _options.MinHistory && (Refits == 0 || _sinceRefit >= _options.RefitEvery))
        {
            Refit();
        }
    }

    /// <summary>Chooses and fits the model now, on the history held (needs at least 8 values).</summary>
    public void Refit()
    {
        var length = (int)Math.Min(Observed, _ring.Length);
        if (length < 8)
        {
            return;
        }

        // The ring, oldest first.
        var start = Observed > _ring.Length ? _next : 0;
        var tail = Math.Min(length, _ring.Length - start);
        _ring.AsSpan(start, tail).CopyTo(_history);
        _ring.AsSpan(0, length - tail).CopyTo(_history.AsSpan(tail));

        LastSelection = _selector.Select(_history.AsSpan(0, length));
        _model = LastSelection.Model;
        _sinceRefit = 0;
        Refits++;
    }

    public void Forecast(Span<ForecastPoint> destination, double level)
    {
        if (!(level is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The level must be in (0, 1).");
        }

        var h = destination.Length;
        if (_point.Length < h)
        {
            _point = new double[h];
            _variance = new double[h];
        }

        if (level != _level)
        {
            _z = Normal.InvCDF(0, 1, 0.5 + (level / 2));
            _level = level;
        }

        var point = _point.AsSpan(0, h);
        var variance = _variance.AsSpan(0, h);
        _model.Forecast(point, variance);
        for (var i = 0; i < h; i++)
        {
            var half = _z * Math.Sqrt(Math.Max(0, variance[i]));
            var p = point[i];
            var lower = p - half;
            var upper = p + half;
            if (_neverNegative && Observed > 0)
            {
                p = Math.Max(0, p);
                lower = Math.Max(0, lower);
                upper = Math.Max(0, upper);
            }

            destination[i] = new ForecastPoint(p, lower, upper);
        }
    }

    /// <summary>Forecasts <paramref name="horizon"/> steps into a new array.</summary>
    public ForecastPoint[] Forecast(int horizon, double level)
    {
        var result = new ForecastPoint[horizon];
        Forecast(result, level);
        return result;
    }
}
