namespace ShadowAgent.Features.Windowing;

/// <summary>
/// A minimal spin-then-yield mutual exclusion that is not bound to a thread. A tap's batch is entered in
/// <c>BeginBatch</c> and left in <c>EndBatch</c>; nothing guarantees both run on the same thread, which
/// rules out <see cref="Lock"/> and <see cref="Monitor"/>. The only contender is the window closer, once per
/// window, so the uncontended path (one interlocked exchange) is what matters.
/// </summary>
internal struct BatchGate
{
    private int _held;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) == 0)
        {
            return;
        }

        var spin = default(SpinWait);
        while (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            spin.SpinOnce();
        }
    }

    public void Exit() => Volatile.Write(ref _held, 0);
}
