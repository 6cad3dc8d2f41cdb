namespace ShadowAgent.ClosedLoop.Load;

/// <summary>
/// Every request's outcome, bucketed by the second of the run it was scheduled in (its arrival, not its send or
/// completion, so a late send does not hide queueing: no coordinated omission): latencies of answered requests
/// in milliseconds, and the count of requests that got no answer (shed at the in-flight bound, or still
/// unanswered when the run ended).
/// </summary>
internal sealed class LatencyLog
{
    private readonly List<float>[] _latencies;
    private readonly int[] _failed;

    public LatencyLog(int seconds)
    {
        _latencies = new List<float>[seconds];
        for (var i = 0; i < seconds; i++)
        {
            _latencies[i] = [];
        }

        _failed = new int[seconds];
    }

    public int Seconds => _latencies.Length;

    public void Add(double scheduledSeconds, double latencyMs)
    {
        var bucket = _latencies[Bucket(scheduledSeconds)];
        lock (bucket)
        {
            bucket.Add((float)latencyMs);
        }
    }

    public void Fail(double scheduledSeconds) => Interlocked.Increment(ref _failed[Bucket(scheduledSeconds)]);

    /// <summary>Latencies of second <paramref name="second"/> (a copy).</summary>
    public float[] Latencies(int second)
    {
        var bucket = _latencies[second];
        lock (bucket)
        {
            return [.. bucket];
        }
    }

    public int Failed(int second) => Volatile.Read(ref _failed[second]);

    private int Bucket(double seconds) => Math.Clamp((int)Math.Floor(seconds), 0, _latencies.Length - 1);
}
