using System.Diagnostics.Metrics;
using ShadowAgent.Core.Telemetry;

namespace ShadowAgent.Taps.Forward;

/// <summary>
/// One forward tap's handshake outcomes: failures go to the <c>shadow.tap.handshake_failures</c> counter tagged with
/// the stream and the reason, and are kept per tap too, so tests and operators can read them without a listener.
/// </summary>
internal sealed class HandshakeMetrics
{
    private static readonly Meter Meter = new(ShadowMeters.AgentMeter);
    private static readonly Counter<long> FailuresCounter = Meter.CreateCounter<long>(ShadowMeters.HandshakeFailures, "{connection}");

    private readonly KeyValuePair<string, object?>[][] _tags;
    private readonly long[] _failures = new long[HandshakeFailures.All.Length];
    private long _succeeded;

    public HandshakeMetrics(string streamName)
    {
        _tags = [.. HandshakeFailures.All.Select(f => new KeyValuePair<string, object?>[]
        {
            new(ShadowMeters.StageTag, "tap"), new(ShadowMeters.StreamTag, streamName), new(ShadowMeters.ReasonTag, HandshakeFailures.Tag(f)),
        })];
    }

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failures(HandshakeFailure reason) => Interlocked.Read(ref _failures[(int)reason]);

    public long TotalFailures
    {
        get
        {
            var total = 0L;
            for (var i = 0; i < _failures.Length; i++)
            {
                total += Interlocked.Read(ref _failures[i]);
            }

            return total;
        }
    }

    public void Add(HandshakeFailure outcome)
    {
        if (outcome == HandshakeFailure.None)
        {
            Interlocked.Increment(ref _succeeded);
            return;
        }

        Interlocked.Increment(ref _failures[(int)outcome]);
        FailuresCounter.Add(1, _tags[(int)outcome]);
    }
}
