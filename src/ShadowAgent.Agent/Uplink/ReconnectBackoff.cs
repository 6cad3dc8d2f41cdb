namespace ShadowAgent.Agent.Uplink;

/// <summary>
/// Exponential backoff with jitter between a minimum and a maximum: the n-th failure waits a random time
/// in [d/2, d] with d = min·2ⁿ (clamped to [min, max]), so agents cut off together do not reconnect together.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private int _failures;

    public ReconnectBackoff(TimeSpan min, TimeSpan max, Random random)
    {
        _min = min;
        _max = max;
        _random = random;
    }

    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 30);
        _failures++;
        var ceiling = Math.Min(_max.Ticks, _min.Ticks * (1L << exponent));
        var ticks = (ceiling / 2) + (long)(_random.NextDouble() * (ceiling - (ceiling / 2)));
        return TimeSpan.FromTicks(Math.Clamp(ticks, _min.Ticks, _max.Ticks));
    }

    public void Reset() => _failures = 0;
}
