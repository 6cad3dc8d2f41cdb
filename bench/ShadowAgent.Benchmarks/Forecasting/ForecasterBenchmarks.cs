using BenchmarkDotNet.Attributes;
using ShadowAgent.Forecasting.Streaming;

namespace ShadowAgent.Benchmarks.Forecasting;

/// <summary>
/// Cost of the per-series forecaster as the agent runs it, on 4,096 values of history: one Observe with the
/// model fixed (between refits), one Observe with the default schedule (a refit every 288 values, amortized),
/// a 12-step forecast with intervals, and one refit (season detection, backtest of every candidate, fit).
/// </summary>
[MemoryDiagnoser]
public class ForecasterBenchmarks
{
    private readonly ForecastPoint[] _forecast = new ForecastPoint[12];
    private double[] _values = [];
    private StreamingForecaster _fixed = null!;
    private StreamingForecaster _scheduled = null!;
    private int _next;

    [Params("seasonal", "random-walk")]
    public string Series { get; set; } = "seasonal";

    [GlobalSetup]
    public void Setup()
    {
        _values = ForecastWorkload.Series(Series, ForecastWorkload.History * 4);
        _fixed = new StreamingForecaster(new ForecastOptions { RefitEvery = int.MaxValue });
        _scheduled = new StreamingForecaster();
        for (var t = 0; t < ForecastWorkload.History; t++)
        {
            _fixed.Observe(_values[t]);
            _scheduled.Observe(_values[t]);
        }

        _fixed.Refit();
        _next = ForecastWorkload.History;
        Console.WriteLine($"// {Series}: model {_fixed.ModelName}, season {_fixed.Period}");
    }

    [Benchmark(Description = "Observe, model fixed")]
    public void ObserveFixed()
    {
        _fixed.Observe(_values[_next]);
        _next = _next + 1 < _values.Length ? _next + 1 : ForecastWorkload.History;
    }

    [Benchmark(Description = "Observe, refit every 288 (amortized)")]
    public void ObserveScheduled()
    {
        _scheduled.Observe(_values[_next]);
        _next = _next + 1 < _values.Length ? _next + 1 : ForecastWorkload.History;
    }

    [Benchmark(Description = "Forecast 12 steps with intervals")]
    public ForecastPoint Forecast()
    {
        _fixed.Forecast(_forecast, 0.95);
        return _forecast[^1];
    }

    [Benchmark(Description = "Refit on 4096 values")]
    public void Refit() => _fixed.Refit();
}
