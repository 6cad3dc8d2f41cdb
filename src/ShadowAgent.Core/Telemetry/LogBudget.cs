namespace ShadowAgent.Core.Telemetry;

/// <summary>
/// At most <c>perInterval</c> log lines of one kind per interval, so a peer that can make the agent log (a client
/// failing a handshake on purpose, thousands of times a second) cannot flood the log or spend the agent's CPU on it.
/// Counters stay exact; the next line logged says how many were left out before it.
/// </summary>
public sealed class LogBudget
{
    private readonly int _perInterval;
    private readonly long _intervalTicks;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _intervalStart = long.MinValue;
    private int _taken;
    private long _suppressed;

    public LogBudget(int perInterval, TimeSpan interval, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perInterval, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        _perInterval = perInterval;
        _intervalTicks = (long)(interval.TotalSeconds * time.TimestampFrequency);
        _time = time;
    }

    /// <summary>Lines left out since the last one logged.</summary>
    public long Suppressed
    {
        get
        {
            lock (_gate)
            {
                return _suppressed;
            }
        }
    }

    /// <summary>
    /// True when this line may be logged; <paramref name="suppressedBefore"/> is then the number left out since the
    /// last logged one (and is reset). False (and counted) when the interval's budget is spent.
    /// </summary>
    public bool TryTake(out long suppressedBefore)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_intervalStart == long.MinValue || now - _intervalStart >= _intervalTicks)
            {
                _intervalStart = now;
                _taken = 0;
            }

            if (_taken >= _perInterval)
            {
                _suppressed++;
                suppressedBefore = 0;
                return false;
            }

            _taken++;
            suppressedBefore = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
