using System.Collections.Immutable;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Feed;

internal sealed class ProfileFeed : IProfileFeed
{
    // Copy-on-write: publishing (every stored profile) reads without a lock; subscribing is rare.
    private ImmutableArray<ProfileSubscription> _subscribers = [];

    public ProfileSubscription Subscribe(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var subscription = new ProfileSubscription(capacity, Remove);
        ImmutableInterlocked.Update(ref _subscribers, static (list, s) => list.Add(s), subscription);
        return subscription;
    }

    public void Publish(string hostId, IReadOnlyList<ShadowProfile> profiles)
    {
        var subscribers = _subscribers;
        if (subscribers.IsEmpty)
        {
            return;
        }

        foreach (var profile in profiles)
        {
            var item = new StoredProfile(hostId, profile.Stream, profile);
            foreach (var subscriber in subscribers)
            {
                subscriber.Publish(item);
            }
        }
    }

    private void Remove(ProfileSubscription subscription) =>
        ImmutableInterlocked.Update(ref _subscribers, static (list, s) => list.Remove(s), subscription);
}
