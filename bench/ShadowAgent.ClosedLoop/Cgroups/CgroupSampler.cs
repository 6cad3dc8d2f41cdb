using System.Diagnostics;

namespace ShadowAgent.ClosedLoop.Cgroups;

/// <summary>Reads the cgroup every <paramref name="interval"/> on its own thread until disposed; the samples are the run's record of what was provisioned.</summary>
internal sealed class CgroupSampler : IDisposable
{
    private readonly BenchCgroup _cgroup;
    private readonly TimeSpan _interval;
    private readonly long _origin;
    private readonly List<CgroupSample> _samples = [];
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private int _errors;

    /// <param name="origin">Stopwatch timestamp of the run's time 0.</param>
    public CgroupSampler(BenchCgroup cgroup, TimeSpan interval, long origin)
    {
        _cgroup = cgroup;
        _interval = interval;
        _origin = origin;
        _thread = new Thread(Loop) { IsBackground = true, Name = "cgroup-sampler" };
        _thread.Start();
    }

    public int Errors => Volatile.Read(ref _errors);

    public List<CgroupSample> Samples()
    {
        lock (_samples)
        {
            return [.. _samples];
        }
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }

    private void Loop()
    {
        var next = Stopwatch.GetTimestamp();
        var tick = (long)(_interval.TotalSeconds * Stopwatch.Frequency);
        do
        {
            try
            {
                var sample = _cgroup.Sample(Stopwatch.GetElapsedTime(_origin).TotalSeconds);
                lock (_samples)
                {
                    _samples.Add(sample);
                }
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref _errors);
            }

            next += tick;
        }
        while (!_stop.Wait(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next) is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero));
    }
}
