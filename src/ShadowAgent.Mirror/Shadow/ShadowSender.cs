using System.Buffers;
using System.Net;
using System.Text;
using System.Threading.Channels;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror.Diff;
using ShadowAgent.Mirror.Recording;

namespace ShadowAgent.Mirror.Shadow;

/// <summary>
/// Sends copied requests to the shadow off the primary path. Copies wait in a bounded queue (a full queue drops
/// the new copy and counts it; the proxy never waits); one dispatcher turns each into the scenario's number of
/// copies, draws each copy's injected delay and error, and starts it once one of the concurrency slots is free.
/// A delayed copy holds its slot while it waits, as a slow shadow would.
/// </summary>
internal sealed class ShadowSender : IAsyncDisposable
{
    private readonly Channel<ShadowCopy> _queue;
    private readonly HttpClient _client;
    private readonly SemaphoreSlim _slots;
    private readonly int _maxConcurrency;
    private readonly ShadowPlan _plan;
    private readonly BodyDiffPlan? _bodyDiff;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly MirrorRecorder _recorder;
    private readonly IRecordSink _sink;
    private readonly Lock _sinkLock = new();
    private readonly MirrorMetrics _metrics;
    private readonly string _baseUri;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _dispatcher;

    public ShadowSender(MirrorOptions options, ShadowPlan plan, BodyDiffPlan? bodyDiff, MirrorRecorder recorder, IRecordSink sink, MirrorMetrics metrics, TimeProvider time, int seed, ShadowBreaker breaker)
    {
        Breaker = breaker;
        ArgumentNullException.ThrowIfNull(options);
        _queue = Channel.CreateBounded<ShadowCopy>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _maxConcurrency = options.MaxConcurrency;
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _plan = plan;
        _bodyDiff = bodyDiff;
        _random = new Random(seed);
        _time = time;
        _timeout = options.ShadowTimeout;
        _recorder = recorder;
        _sink = sink;
        _metrics = metrics;
        _baseUri = "http://" + options.Shadow;
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.MaxConcurrency,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.ShadowTimeout < TimeSpan.FromSeconds(5) ? options.ShadowTimeout : TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _dispatcher = DispatchAsync();
    }

    public ShadowBreaker Breaker { get; }

    /// <summary>
    /// Asked for each sampled request before anything is copied: false (counted, reason breaker_open) while the
    /// shadow's breaker is open. Closed, it is one volatile read.
    /// </summary>
    public bool TryAdmit()
    {
        if (Breaker.TryAdmit())
        {
            return true;
        }

        _metrics.BreakerDrop();
        _sink.OnDropped(1, 0);
        return false;
    }

    /// <summary>Copies waiting for a slot.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Queues a copy without waiting; false (counted) when the queue is full or the sender is stopping.</summary>
    public bool TryEnqueue(ShadowCopy copy)
    {
        if (_queue.Writer.TryWrite(copy))
        {
            _metrics.Mirrored();
            return true;
        }

        _metrics.QueueDrop();
        _sink.OnDropped(1, copy.Body.Length);
        return false;
    }

    /// <summary>Stops taking copies, gives the ones in flight until <paramref name="cancellationToken"/> fires, and returns the copies left unsent.</summary>
    public async Task<long> StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        long unsent = 0;
        try
        {
            await _dispatcher.WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < _maxConcurrency; i++)
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _dispatcher.ConfigureAwait(false);
        }

        while (_queue.Reader.TryRead(out var left))
        {
            unsent++;
            _sink.OnDropped(1, left.Body.Length);
        }

        return unsent;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        _queue.Writer.TryComplete();
        await _dispatcher.ConfigureAwait(false);
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task DispatchAsync()
    {
        var token = _stop.Token;
        try
        {
            await foreach (var copy in _queue.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                var copies = _plan.CopiesFor(copy.Route, _random);
                for (var i = 0; i < copies; i++)
                {
                    var delay = _plan.DrawDelay(_random);
                    var injectError = _plan.DrawError(_random);
                    await _slots.WaitAsync(token).ConfigureAwait(false);
                    _ = SendAsync(copy, i, delay, injectError, token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what is still queued is counted by StopAsync.
        }
    }

    private async Task SendAsync(ShadowCopy copy, int index, TimeSpan delay, bool injectError, CancellationToken stop)
    {
        _metrics.ShadowSent();
        var start = _time.GetTimestamp();
        var status = 0;
        long responseBytes = 0;

        // Only the first copy of a request, not perturbed by an injected error, is compared with the primary.
        var compare = index == 0 && copy.PrimaryBody is not null && _bodyDiff is not null;
        BodyCapture? shadowBody = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(_timeout);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, timeout.Token).ConfigureAwait(false);
            }

            using var request = Build(copy, index);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (compare && !injectError)
            {
                var headers = response.Content.Headers;
                shadowBody = new BodyCapture(_bodyDiff!.MaxBodyBytes, headers.ContentLength ?? -1)
                {
                    DeclaredJson = headers.ContentType?.MediaType is { } media && BodyCapture.IsJsonType(Encoding.ASCII.GetBytes(media)),
                    Encoded = headers.ContentEncoding.Any(e => BodyCapture.IsEncoded(Encoding.ASCII.GetBytes(e))),
                };
            }

            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
                try
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
                    {
                        responseBytes += read;
                        shadowBody?.Append(buffer.AsSpan(0, read));
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            status = (int)response.StatusCode;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            shadowBody?.Release();
            _slots.Release();
            return;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or UriFormatException or FormatException or InvalidOperationException)
        {
            // No answer in time: an error of the shadow, recorded below.
        }

        var latencyMs = _time.GetElapsedTime(start).TotalMilliseconds;
        _slots.Release();

        // The shadow's own answer decides, not the error the profile injects in its place.
        Breaker.OnResult(failure: status is 0 or >= 500);
        BodyDiffOutcome? diff = null;
        if (compare)
        {
            diff = await CompareAsync(copy, status, shadowBody, injectError, start, stop).ConfigureAwait(false);
            _metrics.BodyDiff(diff.Value.Compared, diff.Value.Mismatch == 1);
        }

        Record(copy, status, latencyMs, delay, injectError, responseBytes, diff);
    }

    /// <summary>
    /// Waits for the primary's body (the shadow may answer first; the wait ends at the copy's timeout) and compares.
    /// Runs after the copy's slot is freed: the comparison is the mirror's work, not the shadow's.
    /// </summary>
    private async Task<BodyDiffOutcome> CompareAsync(ShadowCopy copy, int status, BodyCapture? shadowBody, bool injectError, long start, CancellationToken stop)
    {
        BodyCapture? primaryBody = null;
        try
        {
            if (injectError)
            {
                return BodyDiffOutcome.Skipped(BodyDiffReasons.Injected);
            }

            if (status == 0 || shadowBody is null)
            {
                return BodyDiffOutcome.Skipped(BodyDiffReasons.NoAnswer);
            }

            var left = _timeout - _time.GetElapsedTime(start);
            try
            {
                primaryBody = await copy.PrimaryBody!.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                return BodyDiffOutcome.Skipped(BodyDiffReasons.NoPrimary);
            }

            if (primaryBody is null)
            {
                return BodyDiffOutcome.Skipped(BodyDiffReasons.NoPrimary);
            }

            return BodyComparer.Compare(copy.PrimaryStatus, primaryBody, status, shadowBody, _bodyDiff!.Ignore);
        }
        finally
        {
            shadowBody?.Release();
            primaryBody?.Release();
        }
    }

    private void Record(ShadowCopy copy, int status, double latencyMs, TimeSpan delay, bool injectError, long responseBytes, BodyDiffOutcome? diff)
    {
        var answered = status != 0;
        if (injectError)
        {
            status = (int)HttpStatusCode.ServiceUnavailable;
        }

        var error = status == 0 || status >= 500;
        _metrics.ShadowDone(answered, error);

        var n = MirrorNumbers.Absent();
        n[MirrorNumbers.ShadowLatencyMs] = latencyMs;
        n[MirrorNumbers.ShadowError] = error ? 1 : 0;
        n[MirrorNumbers.ShadowInjectedError] = injectError ? 1 : 0;
        n[MirrorNumbers.ShadowInjectedDelayMs] = delay.TotalMilliseconds;
        n[MirrorNumbers.RequestBytes] = copy.Body.Length;
        n[MirrorNumbers.ResponseBytes] = responseBytes;
        var primaryStatus = copy.PrimaryStatus;
        if (primaryStatus != 0)
        {
            n[MirrorNumbers.LatencyDeltaMs] = latencyMs - copy.PrimaryLatencyMs;
            n[MirrorNumbers.StatusMismatch] = primaryStatus == status ? 0 : 1;
        }

        Span<byte> reason = stackalloc byte[BodyComparer.MaxReasonLength * 3];
        var reasonLength = 0;
        if (diff is { } d)
        {
            n[MirrorNumbers.BodyMismatch] = d.Mismatch;
            reasonLength = Encoding.UTF8.GetBytes(d.Reason, reason);
        }

        Span<byte> method = stackalloc byte[Math.Min(copy.Method.Length, 64)];
        Encoding.ASCII.GetBytes(copy.Method.AsSpan(0, method.Length), method);
        lock (_sinkLock)
        {
            _recorder.Emit(_sink, shadow: true, copy.Route, method, status, n, (int)Math.Min(int.MaxValue, copy.Body.Length + responseBytes), reason[..reasonLength]);
        }
    }

    private HttpRequestMessage Build(ShadowCopy copy, int index)
    {
        var request = new HttpRequestMessage(new HttpMethod(copy.Method), _baseUri + copy.Target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        List<KeyValuePair<string, string>>? contentHeaders = null;
        foreach (var (name, value) in copy.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                // Framing is the client's to choose for the copy.
            }
            else if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                (contentHeaders ??= []).Add(new(name, value));
            }
        }

        request.Headers.TryAddWithoutValidation("X-Shadow-Copy", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (copy.Body.Length > 0 || contentHeaders is not null)
        {
            var content = new ByteArrayContent(copy.Body);
            foreach (var (name, value) in contentHeaders ?? [])
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }

            request.Content = content;
        }

        return request;
    }
}
