namespace ShadowAgent.Aggregator.Hosting;

/// <summary>The configuration is invalid; <see cref="Errors"/> holds one line per problem, each naming its key.</summary>
public sealed class AggregatorConfigException(IReadOnlyList<string> errors)
    : Exception("invalid configuration: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
