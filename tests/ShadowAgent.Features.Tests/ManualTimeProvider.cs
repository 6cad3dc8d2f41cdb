namespace ShadowAgent.Features.Tests;

/// <summary>A clock the test moves by hand. Only wall-clock reads are needed by the windowing code.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _utcTicks;

    public ManualTimeProvider(DateTimeOffset start) => _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);

    public void Set(DateTimeOffset time) => Interlocked.Exchange(ref _utcTicks, time.UtcTicks);
}
