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

    /// <summary>Handshake-failure log lines a second, per tap; the counter counts every failure.</summary>
    public const int LogLinesPerSecond = 10;

    public HandshakeMetrics(string streamName, TimeProvider? time = null)
    {
        LogBudget = new LogBudget(LogLinesPerSecond, TimeSpan.FromSeconds(1), time ?? TimeProvider.System);
        _tags = [.. HandshakeFailures.All.Select(f => new KeyValuePair<string, object?>[]
        {
            new(ShadowMeters.StageTag, "tap"), new(ShadowMeters.StreamTag, streamName), new(ShadowMeters.ReasonTag, HandshakeFailures.Tag(f)),
        })];
    }

    /// <summary>How many failure lines the tap may log (at most <see cref="LogLinesPerSecond"/> a second).</summary>
    public LogBudget LogBudget { get; }

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
