namespace ShadowAgent.Sketches.Frequency;

/// <summary>One tracked item: its estimated frequency and the bounds that contain the true frequency.</summary>
public readonly record struct FrequentRow(long Item, long Estimate, long LowerBound, long UpperBound);
