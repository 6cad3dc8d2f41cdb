using ShadowAgent.Forecasting.Streaming;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Orchestration;

/// <summary>
/// What the orchestrator knows of one workload stream of a target: its newest window and the three forecasters'
/// views of its records per second — the agent's forecast carried in the profile, the aggregator's own
/// <see cref="StreamingForecaster"/> (the fleet forecaster's model) fed with the stream's rates, and the seasonal
/// naive forecast at the agent's detected period.
/// </summary>
internal sealed class WorkloadState(int horizon)
{
    private const int MaxHistory = 2048;

    private readonly StreamingForecaster _aggregator = new(new ForecastOptions { HistoryCapacity = 1024 });
    private readonly List<double> _history = [];

    public long WindowEndMs { get; private set; } = long.MinValue;

    public double Rate { get; private set; }

    public double AnomalyScore { get; private set; }

    /// <summary>The newest window's anomaly is a volume spike: "records" among its unusual features and the rate rose.</summary>
    public bool VolumeSpike { get; private set; }

    public double DropShare { get; private set; }

    /// <summary>p99 of the SLO field in the newest window, or null.</summary>
    public double? SloValue { get; private set; }

    /// <summary>The agent's forecast in records per second, step 1 first; empty when its profile carried none.</summary>
    public double[] AgentRates { get; private set; } = [];

    /// <summary>The upper interval of <see cref="AgentRates"/>, records per second.</summary>
    public double[] AgentUpperRates { get; private set; } = [];

    /// <summary>The upper interval of <see cref="AggregatorRates"/>.</summary>
    public double[] AggregatorUpperRates { get; private set; } = [];

    /// <summary>The aggregator forecaster's forecast made after the previous window: step 0 is the newest window.</summary>
    public double[] AggregatorRates { get; private set; } = [];

    public int Period { get; private set; }

    public bool HasHistory => _history.Count > 0;

    /// <summary>
    /// Takes the newest window: scores each forecaster's prediction of it, then keeps its rate, anomaly score, drops,
    /// SLO value and the agent's forecast. The aggregator forecaster is updated later, off the decision path
    /// (<see cref="UpdateAggregatorForecast"/>). False for a window not newer than the last one.
    /// </summary>
    public bool Observe(ShadowProfile profile, string sloField, ForecasterScores scores)
    {
        if (profile.WindowEndUnixMs <= WindowEndMs)
        {
            return false;
        }

        var volume = profile.Volume ?? new VolumeCounters();
        var seconds = Math.Max(1, profile.CoveredMs > 0 ? profile.CoveredMs : profile.WindowEndUnixMs - profile.WindowStartUnixMs) / 1000.0;
        var rate = volume.RatePerSecond > 0 ? volume.RatePerSecond : volume.Records / seconds;
        if (!profile.Partial)
        {
            if (AgentRates.Length > 0)
            {
                scores.Record(ForecasterScores.Agent, rate, AgentRates[0]);
            }

            if (AggregatorRates.Length > 0)
            {
                scores.Record(ForecasterScores.Aggregator, rate, AggregatorRates[0]);
            }

            if (_history.Count > 0)
            {
                scores.Record(ForecasterScores.SeasonalNaive, rate, SeasonalNaive(1));
            }
        }

        var risen = WindowEndMs != long.MinValue && rate > Rate;
        WindowEndMs = profile.WindowEndUnixMs;
        Rate = rate;
        AnomalyScore = profile.Anomaly?.Score ?? 0;
        VolumeSpike = risen && profile.Anomaly is { } anomaly && anomaly.Contributors.Any(c => c.Feature == "records");
        DropShare = volume.Records > 0 ? (double)volume.DroppedRecords / volume.Records : 0;
        SloValue = null;
        if (sloField.Length > 0)
        {
            foreach (var numeric in profile.Numeric)
            {
                if (numeric.Field == sloField && numeric.Count > 0)
                {
                    SloValue = numeric.P99;
                }
            }
        }

        var forecast = profile.Forecast;
        if (forecast is { Points.Count: > 0 } && forecast.Series is "" or "records")
        {
            var windowSeconds = Math.Max(1, profile.WindowEndUnixMs - profile.WindowStartUnixMs) / 1000.0;
            AgentRates = forecast.Points.Select(p => Math.Max(0, p.Value) / windowSeconds).ToArray();
            AgentUpperRates = forecast.Points.Select(p => Math.Max(0, Math.Max(p.Upper, p.Value)) / windowSeconds).ToArray();
            Period = (int)forecast.Period;
        }
        else
        {
            AgentRates = [];
            AgentUpperRates = [];
        }

        if (!profile.Partial)
        {
            _history.Add(rate);
            if (_history.Count > MaxHistory)
            {
                _history.RemoveRange(0, _history.Count - MaxHistory);
            }
        }

        return true;
    }

    /// <summary>Peak records per second over steps 1..horizon by one forecaster, or null when it has no forecast.</summary>
    public double? Peak(string forecaster, int steps)
    {
        switch (forecaster)
        {
            case ForecasterScores.Agent when AgentRates.Length > 0:
                return AgentRates.AsSpan(0, Math.Min(steps, AgentRates.Length)).ToArray().Max();
            case ForecasterScores.Aggregator when AggregatorRates.Length > 1:
                // Made before the newest window arrived: step 0 is that window, steps 1.. lie ahead.
                return AggregatorRates.AsSpan(1, Math.Min(steps, AggregatorRates.Length - 1)).ToArray().Max();
            case ForecasterScores.SeasonalNaive when _history.Count > 0:
                var peak = double.MinValue;
                for (var k = 1; k <= steps; k++)
                {
                    peak = Math.Max(peak, SeasonalNaive(k));
                }

                return peak;
            default:
                return null;
        }
    }

    /// <summary>Peak of one forecaster's upper interval over steps 1..horizon, or null when it has none (seasonal naive).</summary>
    public double? UpperPeak(string forecaster, int steps) => forecaster switch
    {
        ForecasterScores.Agent when AgentUpperRates.Length > 0 => AgentUpperRates.AsSpan(0, Math.Min(steps, AgentUpperRates.Length)).ToArray().Max(),
        ForecasterScores.Aggregator when AggregatorUpperRates.Length > 1 => AggregatorUpperRates.AsSpan(1, Math.Min(steps, AggregatorUpperRates.Length - 1)).ToArray().Max(),
        _ => null,
    };

    /// <summary>Feeds the newest rate to the aggregator's forecaster and caches its forecast (refits happen here).</summary>
    public void UpdateAggregatorForecast()
    {
        if (_history.Count == 0)
        {
            return;
        }

        _aggregator.Observe(_history[^1]);
        if (_aggregator.Observed >= 8)
        {
            var points = _aggregator.Forecast(horizon + 1, 0.95);
            AggregatorRates = points.Select(p => Math.Max(0, p.Value)).ToArray();
            AggregatorUpperRates = points.Select(p => Math.Max(0, Math.Max(p.Upper, p.Value))).ToArray();
        }
    }

    /// <summary>Windows the trend is fitted over.</summary>
    public const int TrendWindows = 5;

    /// <summary>How many standard errors the fitted slope must clear to count as a rise rather than noise.</summary>
    public const double TrendSignificance = 3;

    /// <summary>
    /// Where a significant rise is heading: the rate <paramref name="lead"/> windows after the newest, on the least-squares
    /// line through the last <see cref="TrendWindows"/> rates, when the slope is positive and at least
    /// <see cref="TrendSignificance"/> standard errors from zero; otherwise null. The seasonal and smoothed forecasters
    /// learn a day's shape, but a rise they have never seen (a sale, a launch) they follow one window late at best; a
    /// short linear fit sees it after three or four windows, and the significance test keeps ordinary window-to-window
    /// noise (which has no consistent sign) from reading as a rise.
    /// </summary>
    public double? TrendProjection(int lead)
    {
        var n = Math.Min(TrendWindows, _history.Count);
        if (n < 4)
        {
            return null;
        }

        var first = _history.Count - n;
        double meanX = (n - 1) / 2.0, meanY = 0;
        for (var i = 0; i < n; i++)
        {
            meanY += _history[first + i];
        }

        meanY /= n;
        double sxx = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (i - meanX) * (i - meanX);
            sxy += (i - meanX) * (_history[first + i] - meanY);
        }

        var slope = sxy / sxx;
        if (!(slope > 0))
        {
            return null;
        }

        double residuals = 0;
        for (var i = 0; i < n; i++)
        {
            var e = _history[first + i] - (meanY + (slope * (i - meanX)));
            residuals += e * e;
        }

        var standardError = Math.Sqrt(residuals / (n - 2) / sxx);
        if (slope < TrendSignificance * standardError)
        {
            return null;
        }

        return meanY + (slope * (n - 1 - meanX + lead));
    }

    /// <summary>The seasonal naive forecast <paramref name="step"/> windows after the newest.</summary>
    private double SeasonalNaive(int step)
    {
        var m = Period > 1 && _history.Count >= Period ? Period : 1;
        return _history[_history.Count - m + ((step - 1) % m)];
    }
}
