using ShadowAgent.Detection.Detectors;
using ShadowAgent.Detection.Statistics;

namespace ShadowAgent.Detection.Ensemble;

/// <summary>
/// The detector set over one series and the ensemble that turns their raw statistics into one anomaly score
/// in [0, 1] per value. Each detector's statistic is calibrated against that detector's own recent history
/// (a tail probability: how often it was at least this large), the probabilities are combined
/// (<see cref="CombineRule"/>; the Bonferroni minimum is weighted, p_i·Σw/w_i, so a detector trusted more
/// needs less evidence), the result is scaled by the history length past the alarm budget span (so a long
/// series raises about as many alarms as a short one), and the score is a monotone map of the combined
/// probability. After an alarm the scores are damped for a quiet period, so one incident raises one alarm
/// rather than one per value.
/// </summary>
/// <remarks>Streaming and causal: every score uses only the values before it. Allocation-free per value.
/// Not thread-safe: one instance per series.</remarks>
public sealed class SeriesDetector
{
    private readonly IStreamDetector[] _detectors;
    private readonly TailCalibrator[] _calibrators;
    private readonly double[] _weights;
    private readonly DetectorReading[] _readings;
    private readonly DetectionOptions _options;
    private long _sinceAlarm = long.MaxValue;

    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public SeriesDetector(DetectionOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        _options = options;
        var detectors = new List<IStreamDetector>();
        var weights = new List<double>();
        var kinds = options.Detectors;
        if (kinds.HasFlag(DetectorKinds.RobustZScore))
        {
            detectors.Add(new RobustZScore(options.RobustWindow, options.Warmup));
            weights.Add(options.RobustWeight);
        }

        if (kinds.HasFlag(DetectorKinds.Ewma))
        {
            detectors.Add(new EwmaBands(options.EwmaAlpha, options.Warmup));
            weights.Add(options.EwmaWeight);
        }

        if (kinds.HasFlag(DetectorKinds.Seasonal))
        {
            detectors.Add(new SeasonalBaseline(
                options.SeasonalHistory, options.SeasonalCycles, options.SeasonalMinHistory, options.SeasonalRedetectEvery,
                options.SeasonalMinPeriod, options.SeasonalMinAutocorrelation, options.SeasonalAlpha));
            weights.Add(options.SeasonalWeight);
        }

        if (kinds.HasFlag(DetectorKinds.Cusum))
        {
            detectors.Add(new Cusum(options.CusumAlpha, options.CusumDrift, options.CusumThreshold, options.Warmup));
            weights.Add(options.CusumWeight);
        }

        if (kinds.HasFlag(DetectorKinds.Bocpd))
        {
            detectors.Add(new Bocpd(options.BocpdHazard, options.BocpdMaxRunLength, options.BocpdScaleAlpha, options.Warmup));
            weights.Add(options.BocpdWeight);
        }

        if (kinds.HasFlag(DetectorKinds.Context))
        {
            detectors.Add(new ContextNovelty(options.ContextLevels, options.ContextOrder, options.ContextTableBits, options.Warmup));
            weights.Add(options.ContextWeight);
        }

        if (kinds.HasFlag(DetectorKinds.Record))
        {
            detectors.Add(new RangeRecord(options.Warmup, options.RecordHorizon));
            weights.Add(options.RecordWeight);
        }

        _detectors = [.. detectors];
        _weights = [.. weights];
        _calibrators = new TailCalibrator[_detectors.Length];
        _readings = new DetectorReading[_detectors.Length];
        for (var i = 0; i < _detectors.Length; i++)
        {
            _calibrators[i] = new TailCalibrator(options.CalibrationHorizon);
            _readings[i] = new DetectorReading(_detectors[i].Name, double.NaN, 1);
        }
    }

    /// <summary>The detectors, in the order of <see cref="Readings"/>.</summary>
    public IReadOnlyList<IStreamDetector> Detectors => _detectors;

    /// <summary>Each detector's statistic and tail probability for the latest value.</summary>
    public ReadOnlySpan<DetectorReading> Readings => _readings;

    /// <summary>Values observed.</summary>
    public long Count { get; private set; }

    /// <summary>
    /// The score of a combined tail probability p: with surprise u = −ln p, score = u / (u + ln 1000), so 0.5 is
    /// "one in a thousand", 0.75 one in a billion, and the scale never saturates (rare events stay ordered).
    /// </summary>
    public static double ScoreOf(double tailProbability)
    {
        var surprise = -Math.Log(Math.Max(tailProbability, double.Epsilon));
        return surprise <= 0 ? 0 : surprise / (surprise + HalfSurprise);
    }

    private static readonly double HalfSurprise = Math.Log(1000);

    /// <summary>Scores <paramref name="value"/> against the past, then learns it. A non-finite value is not
    /// learned and scores 0.</summary>
    public SeriesScore Observe(double value)
    {
        if (!double.IsFinite(value))
        {
            return new SeriesScore(0, 1, Severity.None, -1, false, false);
        }

        Count++;
        var scored = 0;
        var top = -1;
        var minP = 1.0;
        var product = 1.0;
        var weightSum = 0.0;
        for (var i = 0; i < _detectors.Length; i++)
        {
            var statistic = _detectors[i].Observe(value);
            var p = 1.0;
            if (!double.IsNaN(statistic))
            {
                var calibrator = _calibrators[i];
                if (calibrator.Seen >= _options.CalibrationWarmup)
                {
                    p = calibrator.TailProbability(statistic);
                    scored++;
                    product *= p;
                    weightSum += _weights[i];
                    var weighted = p / _weights[i];
                    if (weighted < minP)
                    {
                        minP = weighted;
                        top = i;
                    }
                }

                calibrator.Learn(statistic);
            }

            _readings[i] = new DetectorReading(_readings[i].Detector, statistic, p);
        }

        var combined = scored == 0 ? 1.0
            : _options.Combine == CombineRule.Min ? Math.Min(1, minP * weightSum)
            : product;
        if (_options.AlarmBudgetSpan > 0 && scored > 0)
        {
            // Expected count of values at least this unusual in the history, per budget span: past one span, a
            // value must be rarer in proportion to score the same.
            combined = Math.Min(1, combined * Math.Max(1, Math.Min(Count, _options.CalibrationHorizon) / _options.AlarmBudgetSpan));
        }

        var score = ScoreOf(combined);
        var severity = SeverityOf(combined);

        var alarm = false;
        var quiet = _sinceAlarm < _options.QuietPeriod;
        if (quiet)
        {
            _sinceAlarm++;
            score *= _options.QuietDamping;
        }
        else if (score >= _options.AlarmScore)
        {
            alarm = true;
            _sinceAlarm = 0;
            if (_options.RestartOnAlarm)
            {
                foreach (var detector in _detectors)
                {
                    detector.Restart();
                }
            }
        }

        return new SeriesScore(score, combined, severity, top, alarm, quiet);
    }

    /// <summary>The severity of a tail probability: below 1%, 0.1% and 0.01%.</summary>
    public static Severity SeverityOf(double tailProbability) =>
        tailProbability < 1e-4 ? Severity.High : tailProbability < 1e-3 ? Severity.Medium : tailProbability < 1e-2 ? Severity.Low : Severity.None;
}
