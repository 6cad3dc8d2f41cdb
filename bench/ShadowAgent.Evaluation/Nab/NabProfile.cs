namespace ShadowAgent.Evaluation.Nab;

/// <summary>A NAB application profile: the weights of a true positive, a false positive and a false negative.</summary>
internal sealed record NabProfile(string Name, double TpWeight, double FpWeight, double FnWeight)
{
    public static readonly NabProfile Standard = new("standard", 1.0, 0.11, 1.0);
    public static readonly NabProfile RewardLowFp = new("reward_low_FP", 1.0, 0.22, 1.0);
    public static readonly NabProfile RewardLowFn = new("reward_low_FN", 1.0, 0.11, 2.0);

    public static IReadOnlyList<NabProfile> All { get; } = [Standard, RewardLowFp, RewardLowFn];
}
