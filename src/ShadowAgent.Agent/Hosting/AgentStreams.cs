using ShadowAgent.Agent.Configuration;
using ShadowAgent.Agent.Models;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Streams;
using ShadowAgent.Detection.Ensemble;
using ShadowAgent.Detection.Profiles;
using ShadowAgent.Forecasting.Streaming;
using ShadowAgent.Features.Windowing;

namespace ShadowAgent.Agent.Hosting;

/// <summary>The configured streams and their windows, shared by the taps and the window closer.</summary>
internal sealed class AgentStreams
{
    private readonly Dictionary<string, ProfileScorer> _scorers = [];
    private readonly Dictionary<string, (StreamingForecaster Forecaster, StreamForecastOptions Options)> _forecasters = [];
    private readonly Dictionary<string, BucketedForecaster> _coarse = [];
    private readonly StreamModels? _models;

    /// <param name="options">The agent's streams.</param>
    /// <param name="time">The clock windows close on.</param>
    /// <param name="models">The learned detectors the aggregator ships; null scores with the statistical detectors only.</param>
    public AgentStreams(AgentOptions options, TimeProvider time, StreamModels? models = null)
    {
        _models = models;
        Streams = [.. options.Streams.Select(s => (s, new StreamWindows(s, time)))];
        foreach (var s in options.Streams)
        {
            if (s.Detection.Enabled)
            {
                // One alarm per incident, but a new incident five minutes of 10 s windows later alarms again.
                var detection = new DetectionOptions { Warmup = s.Detection.Warmup, CalibrationWarmup = s.Detection.Warmup, QuietPeriod = 30 };
                _scorers[s.Name] = new ProfileScorer(s.NumericFields, s.KeyFields, detection);
            }

            if (s.Forecast.Enabled)
            {
                _forecasters[s.Name] = (new StreamingForecaster(), s.Forecast);
                if (s.Forecast.CoarseFor(s.EffectiveHop))
                {
                    _coarse[s.Name] = new BucketedForecaster(s.Forecast.CoarseStep, s.EffectiveHop, sum: string.IsNullOrEmpty(s.Forecast.Field));
                }
            }
        }
    }

    public IReadOnlyList<(StreamOptions Options, StreamWindows Windows)> Streams { get; }

    /// <summary>The earliest window end after <paramref name="now"/> across streams.</summary>
    public DateTimeOffset NextBoundary(DateTimeOffset now)
    {
        var next = DateTimeOffset.MaxValue;
        foreach (var (_, windows) in Streams)
        {
            var boundary = windows.NextBoundary(now);
            if (boundary < next)
            {
                next = boundary;
            }
        }

        return next;
    }

    public List<WindowProfile> CloseDue(DateTimeOffset now)
    {
        var profiles = new List<WindowProfile>();
        foreach (var (_, windows) in Streams)
        {
            profiles.AddRange(windows.CloseDue(now));
        }

        Score(profiles);
        return profiles;
    }

    public List<WindowProfile> CloseAllPartial()
    {
        var profiles = new List<WindowProfile>();
        foreach (var (_, windows) in Streams)
        {
            profiles.AddRange(windows.CloseAll(partial: true));
        }

        Score(profiles);
        return profiles;
    }

    /// <summary>Windows a stream's forecaster sees before its forecasts travel in profiles.</summary>
    internal const int MinForecastHistory = 12;

    /// <summary>
    /// The window's point of the forecast series: its record count, or the mean of the configured numeric field.
    /// A window without a value of the field (a probe that could not read) adds no point rather than a zero.
    /// </summary>
    /// <param name="hopOnly">Count the newest hop's records only (for sums over time, which overlapping windows would count twice).</param>
    private static bool TryForecastValue(WindowProfile profile, string field, bool hopOnly, out double value)
    {
        if (string.IsNullOrEmpty(field))
        {
            value = hopOnly && profile.HopVolume is { } hop ? hop.Records : profile.Volume.Records;
            return true;
        }

        for (var i = 0; i < profile.NumericFields.Count; i++)
        {
            if (profile.NumericFields[i] == field && i < profile.Numeric.Count && profile.Numeric[i].Count > 0)
            {
                value = profile.Numeric[i].Mean;
                return true;
            }
        }

        value = 0;
        return false;
    }

    /// <summary>Each closed window is scored against its stream's past, in window order (the closer's thread only).</summary>
    private void Score(List<WindowProfile> profiles)
    {
        foreach (var profile in profiles)
        {
            if (_scorers.TryGetValue(profile.Stream, out var scorer))
            {
                var anomaly = scorer.Score(profile);

                // The learned models score the same vector, with the model in their slot now: a swap in progress
                // delays nothing, the window gets the old model's reading or the new one's.
                if (anomaly is not null && _models?.For(profile.Stream) is { } detector)
                {
                    anomaly = ModelAnomaly.Combine(anomaly, detector.Observe(scorer.Values), detector);
                }

                profile.Anomaly = anomaly;
            }

            // The forecaster learns whole windows only; a partial one would read as a drop.
            if (!profile.Partial && _forecasters.TryGetValue(profile.Stream, out var f))
            {
                Forecast(profile, f.Forecaster, f.Options);
            }
        }
    }

    private void Forecast(WindowProfile profile, StreamingForecaster forecaster, StreamForecastOptions options)
    {
        var series = string.IsNullOrEmpty(options.Field) ? "records" : options.Field;
        if (TryForecastValue(profile, options.Field, hopOnly: false, out var value))
        {
            forecaster.Observe(value);
            if (forecaster.Observed >= MinForecastHistory)
            {
                profile.Forecast = Summary(series, forecaster, profile.Hop > TimeSpan.Zero ? profile.Hop : profile.WindowEnd - profile.WindowStart,
                    options.Level, forecaster.Forecast(options.Horizon, options.Level));
            }
        }

        if (_coarse.TryGetValue(profile.Stream, out var coarse)
            && TryForecastValue(profile, options.Field, hopOnly: true, out var point)
            && coarse.Observe(profile.WindowEnd.ToUnixTimeMilliseconds(), point)
            && coarse.Forecaster.Observed >= MinForecastHistory)
        {
            profile.CoarseForecast = Summary(series, coarse.Forecaster, coarse.Step, options.Level, coarse.Forecast(options.CoarseHorizon, options.Level));
        }
    }

    private static ForecastSummary Summary(string series, StreamingForecaster forecaster, TimeSpan step, double level, ForecastPoint[] points) => new()
    {
        Series = series,
        Model = forecaster.ModelName,
        Period = forecaster.Period,
        Step = step,
        Level = level,
        Points = [.. points.Select(p => (p.Value, p.Lower, p.Upper))],
    };
}
