using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Mirror.Shadow;

/// <summary>
/// A circuit breaker for the shadow (closed → open → half-open → closed). The proxy asks <see cref="TryAdmit"/> for
/// every sampled request: while closed that is one volatile read, no lock and no allocation, so a healthy shadow
/// costs the primary path nothing more. While open, copies are refused there, before anything is copied. When the
/// time open has passed, one copy is admitted as a probe (half-open); the shadow sender reports each copy's result,
/// and the probe's success closes the breaker, its failure opens it again for twice as long (up to the maximum).
/// A probe that never reports (its copy dropped on the way) is replaced after <c>probeTimeout</c>.
/// </summary>
internal sealed class ShadowBreaker
{
    private const int Closed = 0;
    private const int Open = 1;
    private const int HalfOpen = 2;

    private readonly MirrorBreakerOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeSpan _probeTimeout;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly string _stream;
    private readonly Lock _lock = new();
    private int _state;
    private int _failures;
    private int _opensInARow;
    private long _until;
    private long _opens;

    public ShadowBreaker(MirrorBreakerOptions options, TimeSpan probeTimeout, TimeProvider time, int seed, ILogger logger, string stream)
    {
        _options = options;
        _probeTimeout = probeTimeout;
        _time = time;
        _random = new Random(seed);
        _logger = logger;
        _stream = stream;
    }

    /// <summary>"closed", "open" or "half_open".</summary>
    public string State => Volatile.Read(ref _state) switch
    {
        Closed => "closed",
        Open => "open",
        _ => "half_open",
    };

    /// <summary>Times the breaker opened (a failed probe opens it again).</summary>
    public long Opens => Interlocked.Read(ref _opens);

    /// <summary>The time the breaker stays open after its last opening (tests).</summary>
    public TimeSpan LastOpenFor { get; private set; }

    /// <summary>Whether a sampled request may be copied now.</summary>
    public bool TryAdmit()
    {
        if (Volatile.Read(ref _state) == Closed)
        {
            return true;
        }

        lock (_lock)
        {
            if (_state == Closed)
            {
                return true;
            }

            var now = _time.GetTimestamp();
            if (now < _until)
            {
                return false;
            }

            if (_state == Open)
            {
                MirrorLog.BreakerHalfOpen(_logger, _stream);
            }

            _state = HalfOpen;
            _until = now + Ticks(_probeTimeout);
            return true;
        }
    }

    /// <summary>Reports one copy's outcome: a failure is no answer, a timeout, or a 5xx the shadow sent.</summary>
    public void OnResult(bool failure)
    {
        if (_options.Failures == 0)
        {
            return;
        }

        if (!failure)
        {
            if (Volatile.Read(ref _state) == Closed)
            {
                if (Volatile.Read(ref _failures) != 0)
                {
                    Interlocked.Exchange(ref _failures, 0);
                }

                return;
            }

            lock (_lock)
            {
                // A success while open comes from a copy sent before it opened: only the probe decides.
                if (_state == HalfOpen)
                {
                    _state = Closed;
                    _opensInARow = 0;
                    Interlocked.Exchange(ref _failures, 0);
                    MirrorLog.BreakerClosed(_logger, _stream);
                }
            }

            return;
        }

        lock (_lock)
        {
            if (_state == Closed)
            {
                if (Interlocked.Increment(ref _failures) >= _options.Failures)
                {
                    OpenLocked();
                }
            }
            else if (_state == HalfOpen)
            {
                OpenLocked();
            }
        }
    }

    private void OpenLocked()
    {
        _opensInARow++;
        var doubled = _options.OpenFor.Ticks * Math.Pow(2, Math.Min(_opensInARow - 1, 30));
        var capped = Math.Min(doubled, _options.MaxOpenFor.Ticks);
        var jittered = capped * (1 + (_options.Jitter * ((2 * _random.NextDouble()) - 1)));
        LastOpenFor = TimeSpan.FromTicks((long)jittered);
        _until = _time.GetTimestamp() + Ticks(LastOpenFor);
        _state = Open;
        Interlocked.Increment(ref _opens);
        MirrorLog.BreakerOpened(_logger, _stream, Volatile.Read(ref _failures), LastOpenFor);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
