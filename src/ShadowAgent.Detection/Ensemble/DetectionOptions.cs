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

    /// <summary>BOCPD: run-length hypotheses kept. Its cost is linear in them; on the NAB series the scores are flat from
    /// 72 to 128 (standard 70.8–71.0, low-FP 62.8–63.3) and fall at 64 (69.7 / 62.0), so 96 keeps a margin above the
    /// drop at three quarters of 128's cost.</summary>
    public int BocpdMaxRunLength { get; set; } = 96;

    /// <summary>BOCPD: EWMA weight of the standardizing mean and deviation.</summary>
    public double BocpdScaleAlpha { get; set; } = 0.002;

    /// <summary>Context novelty: value levels across the range seen so far.</summary>
    public int ContextLevels { get; set; } = 8;

    /// <summary>Context novelty: longest context, in previous levels.</summary>
    public int ContextOrder { get; set; } = 4;

    /// <summary>Context novelty: log2 of the slots of its count table.</summary>
    public int ContextTableBits { get; set; } = 12;

    /// <summary>Range record: values after which an old extreme has relaxed 1/e of the way back to the mean
    /// (0: extremes are kept for good).</summary>
    public double RecordHorizon { get; set; }

    /// <summary>Weight of the robust z-score in the weighted Bonferroni combination (relative to the others).</summary>
    public double RobustWeight { get; set; } = 1;

    /// <summary>Weight of the EWMA bands in the weighted Bonferroni combination.</summary>
    public double EwmaWeight { get; set; } = 1;

    /// <summary>Weight of the seasonal baseline in the weighted Bonferroni combination.</summary>
    public double SeasonalWeight { get; set; } = 1;

    /// <summary>Weight of CUSUM in the weighted Bonferroni combination.</summary>
    public double CusumWeight { get; set; } = 1;

    /// <summary>Weight of BOCPD in the weighted Bonferroni combination: a quarter, since on the NAB development
    /// series most of its alarms fall outside the anomaly windows (it fires on every regime change).</summary>
    public double BocpdWeight { get; set; } = 0.25;

    /// <summary>Weight of context novelty in the weighted Bonferroni combination.</summary>
    public double ContextWeight { get; set; } = 1;

    /// <summary>Weight of the range record in the weighted Bonferroni combination: double, since a value beyond
    /// everything seen is rarely noise.</summary>
    public double RecordWeight { get; set; } = 2;

    /// <summary>
    /// Alarm budget: values of history per which the ensemble allows about as many alarms. Past this many
    /// values (capped at <see cref="CalibrationHorizon"/>) the combined tail probability is multiplied by
    /// history/span, so a series that has run ten spans needs values ten times rarer and raises about as many
    /// alarms as one that has run one span, not ten times as many. 0 switches it off.
    /// </summary>
    public double AlarmBudgetSpan { get; set; } = 4000;

    /// <summary>Calibration: values after which a statistic's weight in its own history is 1/e.</summary>
    public double CalibrationHorizon { get; set; } = 20000;

    /// <summary>Calibration: statistics a detector must have produced before its tail probability counts.</summary>
    public int CalibrationWarmup { get; set; } = 100;

    /// <summary>How the detectors' tail probabilities are combined.</summary>
    public CombineRule Combine { get; set; } = CombineRule.Min;

    /// <summary>
    /// Detectors switched on: all but the robust z-score and context novelty by default. On the NAB development
    /// series adding the robust z-score costs 8 points of the standard score (62.95 against 70.96): with a
    /// long-memory EWMA already scoring point outliers, its extra alarms on heavy-tailed series are mostly false
    /// positives; adding context novelty costs 2–5 points at every weight tried.
    /// </summary>
    public DetectorKinds Detectors { get; set; } = DetectorKinds.Default;

    /// <summary>Score at or above which a point is an alarm (and starts the quiet period).</summary>
    public double AlarmScore { get; set; } = 0.46;

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
        Check(ContextLevels is >= 2 and <= 29, nameof(ContextLevels), ContextLevels, "must be in [2, 29].");
        Check(ContextOrder is >= 0 and <= 12, nameof(ContextOrder), ContextOrder, "must be in [0, 12].");
        Check(ContextTableBits is >= 8 and <= 20, nameof(ContextTableBits), ContextTableBits, "must be in [8, 20].");
        Check(RecordHorizon >= 0, nameof(RecordHorizon), RecordHorizon, "must not be negative (0 keeps extremes for good).");
        Check(RobustWeight > 0, nameof(RobustWeight), RobustWeight, "must be positive.");
        Check(EwmaWeight > 0, nameof(EwmaWeight), EwmaWeight, "must be positive.");
        Check(SeasonalWeight > 0, nameof(SeasonalWeight), SeasonalWeight, "must be positive.");
        Check(CusumWeight > 0, nameof(CusumWeight), CusumWeight, "must be positive.");
        Check(BocpdWeight > 0, nameof(BocpdWeight), BocpdWeight, "must be positive.");
        Check(ContextWeight > 0, nameof(ContextWeight), ContextWeight, "must be positive.");
        Check(RecordWeight > 0, nameof(RecordWeight), RecordWeight, "must be positive.");
        Check(AlarmBudgetSpan >= 0, nameof(AlarmBudgetSpan), AlarmBudgetSpan, "must not be negative (0 switches the budget off).");
        Check(CalibrationHorizon >= 10, nameof(CalibrationHorizon), CalibrationHorizon, "must be at least 10.");
        Check(CalibrationWarmup >= 0, nameof(CalibrationWarmup), CalibrationWarmup, "must not be negative.");
        Check(Detectors != DetectorKinds.None, nameof(Detectors), Detectors, "must switch on at least one detector.");
        Check(AlarmScore is > 0 and < 1, nameof(AlarmScore), AlarmScore, "must be in (0, 1).");
        Check(QuietPeriod >= 0, nameof(QuietPeriod), QuietPeriod, "must not be negative.");
        Check(QuietDamping is >= 0 and <= 1, nameof(QuietDamping), QuietDamping, "must be in [0, 1].");
        return errors;
    }
}
