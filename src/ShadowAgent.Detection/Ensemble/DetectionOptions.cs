namespace ShadowAgent.Detection.Ensemble;

/// <summary>
/// Settings of the detector set run over each series. One global set of defaults, tuned on the NAB
/// development series as a whole (never per series); see bench/ShadowAgent.Evaluation.
/// </summary>
public sealed class DetectionOptions
{
    /// <summary>Values every detector needs before it scores.</summary>
    public int Warmup { get; set; } = 100;

    /// <summary>Robust z-score: values in the rolling median / MAD window.</summary>
    public int RobustWindow { get; set; } = 512;

    /// <summary>EWMA bands: weight of the newest value.</summary>
    public double EwmaAlpha { get; set; } = 0.001;

    /// <summary>Seasonal baseline: values kept for the period search and look-back (a power of two).</summary>
    public int SeasonalHistory { get; set; } = 2048;

    /// <summary>Seasonal baseline: previous periods compared at the same phase.</summary>
    public int SeasonalCycles { get; set; } = 3;

    /// <summary>Seasonal baseline: values before the first period search.</summary>
    public int SeasonalMinHistory { get; set; } = 512;

    /// <summary>Seasonal baseline: values between period searches.</summary>
    public int SeasonalRedetectEvery { get; set; } = 1024;

    /// <summary>Seasonal baseline: shortest period, in values.</summary>
    public int SeasonalMinPeriod { get; set; } = 4;

    /// <summary>Seasonal baseline: autocorrelation a period needs.</summary>
    public double SeasonalMinAutocorrelation { get; set; } = 0.3;

    /// <summary>Seasonal baseline: EWMA weight of the residual scale.</summary>
    public double SeasonalAlpha { get; set; } = 0.01;

    /// <summary>CUSUM: EWMA weight of the baseline.</summary>
    public double CusumAlpha { get; set; } = 0.005;

    /// <summary>CUSUM: allowance k, in standard deviations.</summary>
    public double CusumDrift { get; set; } = 0.5;

    /// <summary>CUSUM: decision interval h after which the sums restart.</summary>
    public double CusumThreshold { get; set; } = 8;

    /// <summary>BOCPD: hazard, the prior probability of a change at any value.</summary>
    public double BocpdHazard { get; set; } = 1.0 / 250;

    /// <summary>BOCPD: run-length hypotheses kept.</summary>
    public int BocpdMaxRunLength { get; set; } = 128;

    /// <summary>BOCPD: EWMA weight of the standardizing mean and deviation.</summary>
    public double BocpdScaleAlpha { get; set; } = 0.002;

    /// <summary>Calibration: values after which a statistic's weight in its own history is 1/e.</summary>
    public double CalibrationHorizon { get; set; } = 20000;

    /// <summary>Calibration: statistics a detector must have produced before its tail probability counts.</summary>
    public int CalibrationWarmup { get; set; } = 100;

    /// <summary>How the detectors' tail probabilities are combined.</summary>
    public CombineRule Combine { get; set; } = CombineRule.Min;

    /// <summary>
    /// Detectors switched on: all but the robust z-score by default. On the NAB development series adding it
    /// costs 2.4 points of the standard score (61.0 against 63.4): with a long-memory EWMA already scoring
    /// point outliers, its extra alarms on heavy-tailed series are mostly false positives.
    /// </summary>
    public DetectorKinds Detectors { get; set; } = DetectorKinds.Default;

    /// <summary>Score at or above which a point is an alarm (and starts the quiet period).</summary>
    public double AlarmScore { get; set; } = 0.47;

    /// <summary>Values after an alarm during which scores are damped, so one incident raises one alarm.</summary>
    public int QuietPeriod { get; set; } = 200;

    /// <summary>Factor applied to the score during the quiet period (0 silences it, 1 turns the quiet period off).</summary>
    public double QuietDamping { get; set; }

    /// <summary>Whether an alarm restarts the detectors' baselines (see <see cref="Detectors.IStreamDetector.Restart"/>).</summary>
    public bool RestartOnAlarm { get; set; }

    /// <summary>The problems with these settings, one line each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string name, object value, string rule)
        {
            if (!ok)
            {
                errors.Add($"{name}: '{value}' {rule}");
            }
        }

        Check(Warmup >= 2, nameof(Warmup), Warmup, "must be at least 2.");
        Check(RobustWindow >= 8, nameof(RobustWindow), RobustWindow, "must be at least 8.");
        Check(EwmaAlpha is > 0 and <= 1, nameof(EwmaAlpha), EwmaAlpha, "must be in (0, 1].");
        Check(SeasonalHistory >= 64 && int.IsPow2(SeasonalHistory), nameof(SeasonalHistory), SeasonalHistory, "must be a power of two, at least 64.");
        Check(SeasonalCycles >= 1, nameof(SeasonalCycles), SeasonalCycles, "must be at least 1.");
        Check(SeasonalMinPeriod >= 2, nameof(SeasonalMinPeriod), SeasonalMinPeriod, "must be at least 2.");
        Check(SeasonalRedetectEvery >= 1, nameof(SeasonalRedetectEvery), SeasonalRedetectEvery, "must be at least 1.");
        Check(SeasonalMinAutocorrelation is > 0 and < 1, nameof(SeasonalMinAutocorrelation), SeasonalMinAutocorrelation, "must be in (0, 1).");
        Check(SeasonalAlpha is > 0 and <= 1, nameof(SeasonalAlpha), SeasonalAlpha, "must be in (0, 1].");
        Check(CusumAlpha is > 0 and <= 1, nameof(CusumAlpha), CusumAlpha, "must be in (0, 1].");
        Check(CusumDrift >= 0, nameof(CusumDrift), CusumDrift, "must not be negative.");
        Check(CusumThreshold > 0, nameof(CusumThreshold), CusumThreshold, "must be positive.");
        Check(BocpdHazard is > 0 and < 1, nameof(BocpdHazard), BocpdHazard, "must be in (0, 1).");
        Check(BocpdMaxRunLength is >= 2 and <= 4096, nameof(BocpdMaxRunLength), BocpdMaxRunLength, "must be in [2, 4096].");
        Check(BocpdScaleAlpha is > 0 and <= 1, nameof(BocpdScaleAlpha), BocpdScaleAlpha, "must be in (0, 1].");
        Check(CalibrationHorizon >= 10, nameof(CalibrationHorizon), CalibrationHorizon, "must be at least 10.");
        Check(CalibrationWarmup >= 0, nameof(CalibrationWarmup), CalibrationWarmup, "must not be negative.");
        Check(Detectors != DetectorKinds.None, nameof(Detectors), Detectors, "must switch on at least one detector.");
        Check(AlarmScore is > 0 and < 1, nameof(AlarmScore), AlarmScore, "must be in (0, 1).");
        Check(QuietPeriod >= 0, nameof(QuietPeriod), QuietPeriod, "must not be negative.");
        Check(QuietDamping is >= 0 and <= 1, nameof(QuietDamping), QuietDamping, "must be in [0, 1].");
        return errors;
    }
}
