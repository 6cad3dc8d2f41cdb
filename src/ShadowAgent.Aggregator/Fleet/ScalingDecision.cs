using ShadowAgent.Aggregator.Api;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Fleet;

/// <summary>
/// How a merged sketch estimate relates to the whole stream. The sketches are of each host's sample, so a merged
/// estimate scales by 1/rate only when every merged profile sampled at the same rate and declared the same kind;
/// otherwise hosts would weigh unequally, and the estimate is left unscaled and called "mixed".
/// </summary>
internal readonly record struct ScalingDecision(string Name, double Factor)
{
    public static ScalingDecision For(SamplingTally sampling, IReadOnlyCollection<Scaling> declared)
    {
        if (!sampling.IsConsistent || declared.Count > 1)
        {
            return new ScalingDecision(ProtoNames.Mixed, 1);
        }

        var kind = declared.Count == 0 ? Scaling.None : declared.First();
        if (kind == Scaling.ByRate)
        {
            var rate = sampling.Rate;
            return rate is > 0 and <= 1 ? new ScalingDecision(ProtoNames.Of(kind), 1 / rate) : new ScalingDecision(ProtoNames.Mixed, 1);
        }

        return new ScalingDecision(ProtoNames.Of(kind), 1);
    }
}
