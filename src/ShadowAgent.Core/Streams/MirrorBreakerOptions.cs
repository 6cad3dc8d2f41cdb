namespace ShadowAgent.Core.Streams;

/// <summary>
/// The circuit breaker in front of the shadow (Tap:Mirror:Breaker): after <see cref="Failures"/> copies in a row fail
/// (refused, reset, timed out, or a 5xx the shadow really sent; injected errors do not count) copies are dropped
/// where they are sampled, before anything is copied, for <see cref="OpenFor"/>, doubling on each failed probe up to
/// <see cref="MaxOpenFor"/>, with ±<see cref="Jitter"/> spread so many agents do not probe together. Then one copy
/// goes as a probe; its success closes the breaker. A slow or down shadow then costs the primary path one check.
/// </summary>
public sealed class MirrorBreakerOptions
{
    /// <summary>Consecutive failed copies that open the breaker; 0 turns it off.</summary>
    public int Failures { get; set; } = 5;

    /// <summary>The first time open.</summary>
    public TimeSpan OpenFor { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest time open, however many probes failed.</summary>
    public TimeSpan MaxOpenFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Each time open is multiplied by a factor drawn from [1 - Jitter, 1 + Jitter].</summary>
    public double Jitter { get; set; } = 0.2;
}
