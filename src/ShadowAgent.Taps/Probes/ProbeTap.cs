using Microsoft.Extensions.Logging;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Taps.Probes;

/// <summary>
/// A tap whose records are resource samples: every <see cref="ProbeOptions.Interval"/> the probe reads the
/// host's or a cgroup's counters and writes one record, its numbers in the stream's NumericFields order, into
/// the stream's ordinary sink. So a resource series gets windows, quantiles, detection and forecasts like any
/// stream. The first interval only sets the counters' baseline.
/// </summary>
public sealed class ProbeTap : ITap
{
    private readonly IProbe _probe;
    private readonly IRecordSinkFactory _sinks;
    private readonly IRecordSink _sink;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly int[] _streamIndex;
    private readonly double[] _probeValues;
    private readonly double[] _numbers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _samples;
    private int _closed;
    private bool _warnedEmpty;

    private ProbeTap(StreamOptions stream, IProbe probe, IRecordSinkFactory sinks, ILoggerFactory loggerFactory, TimeProvider time)
    {
        StreamName = stream.Name;
        Source = stream.Tap.Probe.Target;
        _probe = probe;
        _sinks = sinks;
        _time = time;
        _interval = stream.Tap.Probe.Interval;
        _logger = loggerFactory.CreateLogger<ProbeTap>();
        _probeValues = new double[probe.Fields.Count];
        _numbers = new double[stream.NumericFields.Count];
        _streamIndex = new int[probe.Fields.Count];
        for (var k = 0; k < probe.Fields.Count; k++)
        {
            _streamIndex[k] = stream.NumericFields.IndexOf(probe.Fields[k]);
        }

        _sink = sinks.Open();
        _probe.Sample(0, _probeValues, out _);
        _loop = Task.Run(RunAsync);
    }

    public string StreamName { get; }

    public string Source { get; }

    /// <summary>Records written so far.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Starts the probe the stream's <see cref="ProbeOptions"/> describe; its counters' baseline is read now.</summary>
    public static ProbeTap Start(StreamOptions stream, IRecordSinkFactory sinks, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var probe = stream.Tap.Probe;
        IProbe p = probe.Target == ProbeTargets.Host
            ? new HostProbe(probe.ProcRoot)
            : new CgroupProbe(probe.CgroupRoots.Count > 0 ? probe.CgroupRoots : CgroupPaths.DefaultRoots(), ProbeTargets.CgroupPath(probe.Target));
        var tap = new ProbeTap(stream, p, sinks, loggerFactory, time ?? TimeProvider.System);
        ProbeLog.Started(tap._logger, stream.Name, probe.Target, probe.Interval);
        return tap;
    }

    private async Task RunAsync()
    {
        var last = _time.GetTimestamp();
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = _time.GetTimestamp();
                SampleOnce(_time.GetElapsedTime(last, now).TotalSeconds);
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    /// <summary>Reads the probe once and writes the record (the timer loop's step; tests call it directly).</summary>
    internal bool SampleOnce(double elapsedSeconds)
    {
        bool ok;
        ulong present;
        try
        {
            ok = _probe.Sample(elapsedSeconds, _probeValues, out present);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ProbeLog.SampleFailed(_logger, StreamName, ex);
            return false;
        }

        if (!ok)
        {
            if (!_warnedEmpty && Interlocked.Read(ref _samples) == 0 && elapsedSeconds > 0)
            {
                _warnedEmpty = true;
                ProbeLog.NothingToRead(_logger, StreamName, Source);
            }

            return false;
        }

        ulong streamPresent = 0;
        for (var k = 0; k < _streamIndex.Length; k++)
        {
            var i = _streamIndex[k];
            if (i >= 0 && (present & (1UL << k)) != 0)
            {
                _numbers[i] = _probeValues[k];
                streamPresent |= 1UL << i;
            }
        }

        _sink.BeginBatch();
        _sink.OnRecord(new RecordView(0, default, 0, _numbers, streamPresent, 0));
        _sink.EndBatch();
        Interlocked.Increment(ref _samples);
        return true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _sinks.Close(_sink);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            _stop.Dispose();
        }
    }
}
