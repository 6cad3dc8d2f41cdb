namespace ShadowAgent.Agent.Uplink;

/// <summary>
/// A wake-up that cannot be lost: a waiter takes <see cref="Next"/> BEFORE checking its condition, and any
/// <see cref="Fire"/> after that completes the task it holds.
/// </summary>
internal sealed class Pulse
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Fire()
    {
        var fired = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        fired.TrySetResult();
    }
}
