namespace ShadowAgent.Models.Runtime;

/// <summary>One model's verdict on one profile.</summary>
/// <param name="Score">The model's score (NaN when no model is loaded yet).</param>
/// <param name="Version">The version of the model that gave it (0 when none).</param>
/// <param name="Unusual">Whether the score is at or above the model's training threshold.</param>
public readonly record struct ModelReading(float Score, long Version, bool Unusual);
