using System.Threading.Channels;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Feed;

/// <summary>One profile just committed to the store.</summary>
public sealed record StoredProfile(string HostId, string Stream, ShadowProfile Profile)
{
    /// <summary>Stopwatch timestamp of the publication, right after the commit: where decision latency starts.</summary>
    public long PublishedTimestamp { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();
}

/// <summary>Live feed of stored profiles, for the demo and later for the dashboard.</summary>
public interface IProfileFeed
{
    /// <summary>
    /// Subscribes until the subscription is disposed. Each subscriber has its own bounded channel; when a
    /// subscriber falls behind, its oldest items are dropped and counted, and ingest never waits for it.
    /// </summary>
    ProfileSubscription Subscribe(int capacity = 1024);
}

public sealed class ProfileSubscription : IDisposable
{
    private readonly Channel<StoredProfile> _channel;
    private readonly Action<ProfileSubscription> _unsubscribe;
    private long _dropped;

    internal ProfileSubscription(int capacity, Action<ProfileSubscription> unsubscribe)
    {
        _unsubscribe = unsubscribe;
        _channel = Channel.CreateBounded<StoredProfile>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelReader<StoredProfile> Reader => _channel.Reader;

    /// <summary>Items dropped because this subscriber's channel was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Publish(StoredProfile item) => _channel.Writer.TryWrite(item);

    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
