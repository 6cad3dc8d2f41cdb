namespace ShadowAgent.Detection.Ensemble;

/// <summary>How unusual a point is, from its combined tail probability (the score is 1 − that probability).</summary>
public enum Severity
{
    /// <summary>Tail probability ≥ 1%: ordinary.</summary>
    None = 0,

    /// <summary>Below 1%: worth a look.</summary>
    Low = 1,

    /// <summary>Below 0.1%.</summary>
    Medium = 2,

    /// <summary>Below 0.01%: as rare as anything in the recent history.</summary>
    High = 3,
}
