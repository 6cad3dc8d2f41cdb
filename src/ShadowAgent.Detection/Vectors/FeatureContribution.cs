namespace ShadowAgent.Detection.Vectors;

/// <summary>One detector on one feature that saw the latest profile as unusual.</summary>
/// <param name="Feature">The feature's name (volume, rate, distinct, p99, ...).</param>
/// <param name="Detector">The detector's name (robust_z, ewma, seasonal, cusum, bocpd).</param>
/// <param name="Statistic">The detector's raw statistic.</param>
/// <param name="TailProbability">How often that detector's statistic on that feature was at least this large.</param>
public readonly record struct FeatureContribution(string Feature, string Detector, double Statistic, double TailProbability);
