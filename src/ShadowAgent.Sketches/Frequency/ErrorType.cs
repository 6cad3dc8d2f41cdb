namespace ShadowAgent.Sketches.Frequency;

/// <summary>Which side of the error a frequent-items query errs on, as Apache DataSketches defines it.</summary>
public enum ErrorType
{
    /// <summary>Only items whose lower bound exceeds the threshold: every row is truly frequent, some frequent items may be missing.</summary>
    NoFalsePositives,

    /// <summary>Every item whose upper bound exceeds the threshold: no frequent item is missing, some rows may not be frequent.</summary>
    NoFalseNegatives,
}
