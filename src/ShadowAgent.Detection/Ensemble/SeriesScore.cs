namespace ShadowAgent.Detection.Ensemble;

/// <summary>The ensemble's verdict on one value of one series.</summary>
/// <param name="Score">Anomaly score in [0, 1] (see <see cref="SeriesDetector.ScoreOf"/>), damped during the quiet
/// period after an alarm.</param>
/// <param name="TailProbability">The combined tail probability of the value (weighted Bonferroni, after the alarm
/// budget), before any damping.</param>
/// <param name="Severity">Level of <paramref name="TailProbability"/>.</param>
/// <param name="TopDetector">Index into the readings of the detector with the smallest tail probability (−1 when none scored).</param>
/// <param name="Alarm">Whether this value raised an alarm (score at or above the alarm level, outside a quiet period).</param>
/// <param name="Quiet">Whether the value fell in the quiet period after an earlier alarm.</param>
public readonly record struct SeriesScore(double Score, double TailProbability, Severity Severity, int TopDetector, bool Alarm, bool Quiet);
