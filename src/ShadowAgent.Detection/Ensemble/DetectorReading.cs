namespace ShadowAgent.Detection.Ensemble;

/// <summary>One detector's view of the latest value.</summary>
/// <param name="Detector">The detector's name.</param>
/// <param name="Statistic">Its raw statistic (NaN while it abstains).</param>
/// <param name="TailProbability">Share of its own recent statistics at least as large (1 while it abstains or
/// its calibration is warming up).</param>
public readonly record struct DetectorReading(string Detector, double Statistic, double TailProbability);
