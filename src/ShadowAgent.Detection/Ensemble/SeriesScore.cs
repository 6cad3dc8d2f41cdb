namespace ShadowAgent.Detection.Ensemble;

/// <summary>The ensemble's verdict on one value of one series.</summary>
/// <param name="Score">Anomaly score in [0, 1]: 1 − the combined tail probability, damped during the quiet
/// period after an alarm.</param>
/// <param name="Severity">Level of the combined tail probability.</param>
/// <param name="TopDetector">Index into the readings of the detector with the smallest tail probability (−1 when none scored).</param>
/// <param name="Alarm">Whether this value raised an alarm (score at or above the alarm level, outside a quiet period).</param>
public readonly record struct SeriesScore(double Score, Severity Severity, int TopDetector, bool Alarm);
