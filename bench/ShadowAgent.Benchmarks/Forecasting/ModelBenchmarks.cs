using BenchmarkDotNet.Attributes;
using ShadowAgent.Forecasting.Models;

namespace ShadowAgent.Benchmarks.Forecasting;

/// <summary>
/// Cost of each model the forecaster can choose, fitted on 4,096 values of a daily-cycle series (season 288):
/// one state update, and one 12-step forecast with its variances.
/// </summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private readonly double[] _point = new double[12];
    private readonly double[] _variance = new double[12];
    private double[] _values = [];
    private ForecastModel _model = null!;
    private int _next;

    [Params("SeasonalNaive", "ETS(A,Ad,N)", "ETS(A,Ad,A)", "ETS(A,Ad,M)", "ARIMA", "ARIMA seasonal")]
    public string Model { get; set; } = "ETS(A,Ad,A)";

    [GlobalSetup]
    public void Setup()
    {
        _values = ForecastWorkload.Series("seasonal", ForecastWorkload.History * 2);
        var history = _values.AsSpan(0, ForecastWorkload.History);
        const int M = ForecastWorkload.Period;
        _model = Model switch
        {
            "SeasonalNaive" => SeasonalNaive.Fit(history, M),
            "ETS(A,Ad,N)" => EtsFitter.Fit(history, EtsTrend.Damped, EtsSeason.None, 0)!,
            "ETS(A,Ad,A)" => EtsFitter.Fit(history, EtsTrend.Damped, EtsSeason.Additive, M)!,
            "ETS(A,Ad,M)" => EtsFitter.Fit(history, EtsTrend.Damped, EtsSeason.Multiplicative, M)!,
            "ARIMA" => ArimaFitter.FitAuto(history, 0)!,
            _ => ArimaFitter.FitAuto(history, M)!,
        };
        _next = ForecastWorkload.History;
        Console.WriteLine($"// {Model}: {_model.Name}");
    }

    [Benchmark(Description = "Update")]
    public void Update()
    {
        _model.Update(_values[_next]);
        _next = _next + 1 < _values.Length ? _next + 1 : ForecastWorkload.History;
    }

    [Benchmark(Description = "Forecast 12")]
    public double Forecast()
    {
        _model.Forecast(_point, _variance);
        return _point[^1];
    }
}
