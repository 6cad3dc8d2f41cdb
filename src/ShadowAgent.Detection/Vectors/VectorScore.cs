using ShadowAgent.Detection.Ensemble;

namespace ShadowAgent.Detection.Vectors;

/// <summary>The verdict on one feature vector (one profile).</summary>
/// <param name="Score">Anomaly score in [0, 1] of the most unusual feature, corrected for the number of features
/// looked at (Bonferroni); features in their quiet period after an alarm do not count.</param>
/// <param name="TailProbability">The corrected combined tail probability behind <paramref name="Score"/>.</param>
/// <param name="Severity">Level of <paramref name="TailProbability"/>.</param>
/// <param name="Contributors">How many entries <see cref="FeatureVectorDetector.Contributors"/> holds.</param>
/// <param name="Alarm">Whether any feature raised an alarm on this vector.</param>
public readonly record struct VectorScore(double Score, double TailProbability, Severity Severity, int Contributors, bool Alarm);
