namespace ShadowAgent.Detection.Ensemble;

/// <summary>How the detectors' tail probabilities become one.</summary>
public enum CombineRule
{
    /// <summary>The smallest tail probability times the number of detectors that scored (Bonferroni): an
    /// anomaly is as strong as its strongest witness.</summary>
    Min = 0,

    /// <summary>1 − Π(1 − s_i) over the detectors' scores s_i = 1 − p_i, i.e. the product of the tail
    /// probabilities: several moderate witnesses add up. Detectors are not independent, so this is
    /// overconfident in absolute terms; it is a ranking.</summary>
    NoisyOr = 1,
}
