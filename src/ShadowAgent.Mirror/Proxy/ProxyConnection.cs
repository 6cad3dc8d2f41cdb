using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ShadowAgent.Core.Records;
using ShadowAgent.Mirror.Diff;
using ShadowAgent.Mirror.Http;
using ShadowAgent.Mirror.Recording;
using ShadowAgent.Mirror.Shadow;
using ShadowAgent.Taps.Listening;

namespace ShadowAgent.Mirror.Proxy;

/// <summary>
/// One client connection: reads a request head, forwards the request to the primary over a pooled keep-alive
/// connection (hop-by-hop headers removed, X-Forwarded-For appended, bodies relayed as framed), streams the
/// response back, and repeats while both sides keep the connection. A sampled request's copy is queued for the
/// shadow once its body has been sent to the primary; nothing on this path waits for the shadow.
/// </summary>
internal sealed class ProxyConnection : IAcceptedConnection
{
    private const int MaxResponseHeadBytes = 64 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _in;
    private readonly PipeWriter _out;
    private readonly MirrorContext _m;
    private readonly HttpHead _request;
    private readonly HttpHead _response = new(1024);
    private readonly byte[] _clientAddress;
    private ulong _random;
    private int _stopping;

    // The primary's body being kept for a body comparison (chosen routes only), and the copy waiting for it.
    private BodyCapture? _capture;
    private ShadowCopy? _diffCopy;
    private Action<ReadOnlySequence<byte>>? _captureDecoded;

    public ProxyConnection(Socket socket, IRecordSink sink, MirrorContext context, ulong seed)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _in = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        _out = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
        Sink = sink;
        _m = context;
        _request = new HttpHead(Math.Min(context.Options.MaxHeaderBytes, 4096));
        _clientAddress = Encoding.ASCII.GetBytes((socket.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "unknown");
        _random = seed | 1;
    }

    public IRecordSink Sink { get; }

    private bool Stopping => Volatile.Read(ref _stopping) != 0;

    /// <summary>Ends the connection once its current exchange (if any) is done.</summary>
    public void RequestStop()
    {
        Volatile.Write(ref _stopping, 1);
        _in.CancelPendingRead();
    }

    /// <summary>Closes the socket now (the stop deadline passed).</summary>
    public void Abort()
    {
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async Task RunAsync()
    {
        try
        {
            while (!Stopping && await ServeOneAsync().ConfigureAwait(false))
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            MirrorLog.ConnectionError(_m.Logger, _m.Stream, e);
        }
        finally
        {
            await _in.CompleteAsync().ConfigureAwait(false);
            await _out.CompleteAsync().ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<bool> ServeOneAsync()
    {
        if (!await ReadRequestHeadAsync().ConfigureAwait(false))
        {
            return false;
        }

        var request = _request;
        if (request.ExpectOther)
        {
            await AnswerAsync(ProxyResponses.ExpectationFailed).ConfigureAwait(false);
            return false;
        }

        if (request.MethodBytes.SequenceEqual("CONNECT"u8))
        {
            await AnswerAsync(ProxyResponses.NotImplemented).ConfigureAwait(false);
            return false;
        }

        var start = _m.Time.GetTimestamp();
        _m.Metrics.Request();
        var hasBody = request.Chunked || request.ContentLength > 0;
        ArrayBufferWriter<byte>? shadowBody = null;
        if (_m.Sampler.Sample(request, ref _random))
        {
            if (request.ContentLength > _m.Options.MaxBodyBytes)
            {
                _m.Metrics.BodyTooLarge();
            }
            else if (_m.Sender.TryAdmit())
            {
                shadowBody = new ArrayBufferWriter<byte>(request.ContentLength > 0 ? (int)request.ContentLength : 256);
            }
        }

        if (request.ExpectContinue && hasBody)
        {
            // The mirror answers the expectation itself and does not forward it: the body is on its way.
            _out.Write(ProxyResponses.Continue);
            await _out.FlushAsync().ConfigureAwait(false);
        }

        var exchange = await ForwardAsync(hasBody, shadowBody, start).ConfigureAwait(false);
        return exchange;
    }

    /// <summary>Reads the next request head; false when the connection ends (closed, stopping, or answered with an error).</summary>
    private async Task<bool> ReadRequestHeadAsync()
    {
        while (true)
        {
            var result = await _in.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled && Stopping)
            {
                _in.AdvanceTo(buffer.Start, buffer.End);
                return false;
            }

            var parsed = HttpHeadParser.TryRead(ref buffer, _request, _m.Options.MaxHeaderBytes, request: true);
            switch (parsed)
            {
                case HeadResult.Parsed:
                    _in.AdvanceTo(buffer.Start);
                    return true;
                case HeadResult.TooLarge:
                    _in.AdvanceTo(buffer.End);
                    _m.Metrics.HeadersTooLarge();
                    OnError(RecordError.Oversize, (int)Math.Min(int.MaxValue, buffer.Length));
                    await AnswerAsync(ProxyResponses.HeadersTooLarge).ConfigureAwait(false);
                    return false;
                case HeadResult.Malformed:
                    _in.AdvanceTo(result.Buffer.End);
                    _m.Metrics.Malformed();
                    OnError(RecordError.Malformed, _request.Length);
                    await AnswerAsync(ProxyResponses.BadRequest).ConfigureAwait(false);
                    return false;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                if (!buffer.IsEmpty)
                {
                    // A head cut off by the client's close: received, never answerable.
                    _m.Metrics.Malformed();
                    OnError(RecordError.Malformed, (int)Math.Min(int.MaxValue, buffer.Length));
                }

                _in.AdvanceTo(buffer.End);
                return false;
            }

            _in.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task<bool> ForwardAsync(bool hasBody, ArrayBufferWriter<byte>? shadowBody, long start)
    {
        var upstream = _m.Pool.TryRentIdle();
        var reused = upstream is not null;
        ShadowCopy? copy = null;
        var queued = false;
        long requestBytes = 0;
        while (true)
        {
            try
            {
                upstream ??= await _m.Pool.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                upstream.Uses++;
                WriteRequestHead(upstream.Writer);
                if (hasBody)
                {
                    var (ok, bytes) = await RelayRequestBodyAsync(upstream.Writer, shadowBody).ConfigureAwait(false);
                    requestBytes = bytes;
                    if (!ok)
                    {
                        await upstream.DisposeAsync().ConfigureAwait(false);
                        return false;
                    }
                }

                await upstream.Writer.FlushAsync().ConfigureAwait(false);
                if (shadowBody is not null && !queued)
                {
                    queued = true;
                    copy = Copy(shadowBody);
                    if (copy is not null && _m.Sender.TryEnqueue(copy) && copy.PrimaryBody is not null)
                    {
                        _diffCopy = copy;
                    }
                }

                if (!await ReadResponseHeadAsync(upstream).ConfigureAwait(false))
                {
                    throw new IOException("The primary closed the connection before answering.");
                }

                break;
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
            {
                if (upstream is not null)
                {
                    await upstream.DisposeAsync().ConfigureAwait(false);
                    upstream = null;
                }

                // A pooled connection the primary closed meanwhile: safe to retry only when nothing of the
                // request body was consumed from the client.
                if (reused && !hasBody)
                {
                    reused = false;
                    continue;
                }

                MirrorLog.PrimaryFailed(_m.Logger, _m.Stream, _m.Options.Primary, e);
                _m.Metrics.PrimaryError();
                copy?.SetPrimary(-1, _m.Time.GetElapsedTime(start).TotalMilliseconds);
                EndCapture(kept: false);
                await AnswerAsync(ProxyResponses.BadGateway).ConfigureAwait(false);
                EmitPrimary(0, start, requestBytes, 0);
                return false;
            }
        }

        var response = _response;
        var status = response.StatusCode;
        var framing = FramingOf(response);
        var keepClient = _request.KeepAlive && framing != Framing.UntilClose && !Stopping;
        var keepUpstream = response.KeepAlive && framing != Framing.UntilClose;
        WriteResponseHead(keepClient);
        if (_diffCopy is not null)
        {
            StartCapture(response, framing);
        }

        long responseBytes;
        try
        {
            responseBytes = await RelayResponseBodyAsync(upstream, framing).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            // The primary broke its own framing mid-body: the client cannot be told otherwise than by a close.
            EndCapture(kept: false);
            await upstream.DisposeAsync().ConfigureAwait(false);
            _m.Metrics.PrimaryError();
            EmitPrimary(0, start, requestBytes, 0);
            return false;
        }
        catch
        {
            EndCapture(kept: false);
            await upstream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await _out.FlushAsync().ConfigureAwait(false);
        var latencyMs = _m.Time.GetElapsedTime(start).TotalMilliseconds;
        copy?.SetPrimary(status, latencyMs);
        EndCapture(kept: true);
        if (keepUpstream)
        {
            _m.Pool.Return(upstream);
        }
        else
        {
            await upstream.DisposeAsync().ConfigureAwait(false);
        }

        EmitPrimary(status, start, requestBytes, responseBytes, latencyMs);
        return keepClient;
    }

    private void WriteRequestHead(PipeWriter writer)
    {
        var head = _request;
        writer.Write(head.Span[..head.StartLineLength]);
        writer.Write("\r\n"u8);
        var forwardedFor = ReadOnlySpan<byte>.Empty;
        foreach (var h in head.Headers)
        {
            if (head.IsHopByHop(h))
            {
                continue;
            }

            if (Ascii.EqualsIgnoreCase(head.Name(h), "X-Forwarded-For"u8))
            {
                forwardedFor = head.Value(h);
                continue;
            }

            writer.Write(head.Line(h));
            writer.Write("\r\n"u8);
        }

        writer.Write("X-Forwarded-For: "u8);
        if (!forwardedFor.IsEmpty)
        {
            writer.Write(forwardedFor);
            writer.Write(", "u8);
        }

        writer.Write(_clientAddress);
        writer.Write("\r\n\r\n"u8);
    }

    private void WriteResponseHead(bool keepClient)
    {
        var head = _response;
        _out.Write(head.Span[..head.StartLineLength]);
        _out.Write("\r\n"u8);
        foreach (var h in head.Headers)
        {
            if (!head.IsHopByHop(h))
            {
                _out.Write(head.Line(h));
                _out.Write("\r\n"u8);
            }
        }

        if (!keepClient)
        {
            _out.Write("Connection: close\r\n"u8);
        }
        else if (_request.MinorVersion == 0)
        {
            _out.Write("Connection: keep-alive\r\n"u8);
        }

        _out.Write("\r\n"u8);
    }

    /// <summary>Relays the request body as framed; false when the client went away or broke the chunked framing.</summary>
    private async Task<(bool Ok, long Bytes)> RelayRequestBodyAsync(PipeWriter upstream, ArrayBufferWriter<byte>? shadowBody)
    {
        var cap = _m.Options.MaxBodyBytes;
        var copying = shadowBody is not null;
        long bytes = 0;
        if (!_request.Chunked)
        {
            var remaining = _request.ContentLength;
            while (remaining > 0)
            {
                var result = await _in.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                if (buffer.IsEmpty && (result.IsCompleted || result.IsCanceled))
                {
                    _in.AdvanceTo(buffer.End);
                    return (false, bytes);
                }

                var slice = buffer.Slice(0, Math.Min(remaining, buffer.Length));
                Relay(upstream, slice);
                if (copying)
                {
                    Append(shadowBody!, slice);
                }

                bytes += slice.Length;
                remaining -= slice.Length;
                _in.AdvanceTo(slice.End);
                if (remaining > 0)
                {
                    await upstream.FlushAsync().ConfigureAwait(false);
                }
            }

            return (true, bytes);
        }

        var walker = default(ChunkedWalker);
        walker.Reset();
        Action<ReadOnlySequence<byte>>? decoded = copying
            ? data =>
            {
                if (copying && shadowBody!.WrittenCount + data.Length <= cap)
                {
                    Append(shadowBody, data);
                }
                else if (copying)
                {
                    copying = false;
                    _m.Metrics.BodyTooLarge();
                }
            }
            : null;
        while (true)
        {
            var result = await _in.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var ok = walker.Walk(buffer, out var consumed, decoded);
            var walked = buffer.Slice(0, consumed);
            Relay(upstream, walked);
            bytes += walked.Length;
            if (!ok)
            {
                _in.AdvanceTo(buffer.End);
                _m.Metrics.Malformed();
                OnError(RecordError.Malformed, (int)Math.Min(int.MaxValue, bytes));
                await AnswerAsync(ProxyResponses.BadRequest).ConfigureAwait(false);
                return (false, bytes);
            }

            if (walker.IsDone)
            {
                _in.AdvanceTo(consumed);
                if (!copying && shadowBody is not null)
                {
                    shadowBody.ResetWrittenCount();
                    ShadowDropped = true;
                }

                return (true, bytes);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                _in.AdvanceTo(buffer.End);
                return (false, bytes);
            }

            _in.AdvanceTo(consumed, buffer.End);
            await upstream.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Set when a chunked body outgrew the copy cap: the copy is abandoned.</summary>
    private bool ShadowDropped { get; set; }

    private async Task<bool> ReadResponseHeadAsync(UpstreamConnection upstream)
    {
        while (true)
        {
            var result = await upstream.Reader.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var parsed = HttpHeadParser.TryRead(ref buffer, _response, MaxResponseHeadBytes, request: false);
            if (parsed == HeadResult.Parsed)
            {
                upstream.Reader.AdvanceTo(buffer.Start);
                var status = _response.StatusCode;
                if (status is >= 100 and < 200)
                {
                    if (status == 101)
                    {
                        throw new InvalidDataException("The primary switched protocols, which the mirror does not relay.");
                    }

                    if (status != 100)
                    {
                        // Early hints and the like go on to the client; 100 Continue was answered by the mirror.
                        WriteResponseHead(keepClient: true);
                        await _out.FlushAsync().ConfigureAwait(false);
                    }

                    continue;
                }

                return true;
            }

            if (parsed != HeadResult.Incomplete)
            {
                throw new InvalidDataException("The primary's response head is not HTTP/1.x.");
            }

            if (result.IsCompleted)
            {
                upstream.Reader.AdvanceTo(buffer.End);
                return false;
            }

            upstream.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task<long> RelayResponseBodyAsync(UpstreamConnection upstream, Framing framing)
    {
        var reader = upstream.Reader;
        long bytes = 0;
        switch (framing)
        {
            case Framing.None:
                return 0;
            case Framing.Length:
                var remaining = _response.ContentLength;
                while (remaining > 0)
                {
                    var result = await reader.ReadAsync().ConfigureAwait(false);
                    var buffer = result.Buffer;
                    if (buffer.IsEmpty && result.IsCompleted)
                    {
                        throw new InvalidDataException("The primary closed before the end of its response body.");
                    }

                    var slice = buffer.Slice(0, Math.Min(remaining, buffer.Length));
                    Relay(_out, slice);
                    _capture?.Append(slice);
                    bytes += slice.Length;
                    remaining -= slice.Length;
                    reader.AdvanceTo(slice.End);
                    if (remaining > 0)
                    {
                        await _out.FlushAsync().ConfigureAwait(false);
                    }
                }

                return bytes;
            case Framing.Chunked:
                var walker = default(ChunkedWalker);
                walker.Reset();
                while (true)
                {
                    var result = await reader.ReadAsync().ConfigureAwait(false);
                    var buffer = result.Buffer;
                    var ok = walker.Walk(buffer, out var consumed, _capture is null ? null : _captureDecoded);
                    var walked = buffer.Slice(0, consumed);
                    Relay(_out, walked);
                    bytes += walked.Length;
                    if (!ok || (!walker.IsDone && result.IsCompleted))
                    {
                        reader.AdvanceTo(buffer.End);
                        throw new InvalidDataException("The primary's chunked body is broken.");
                    }

                    if (walker.IsDone)
                    {
                        reader.AdvanceTo(consumed);
                        return bytes;
                    }

                    reader.AdvanceTo(consumed, buffer.End);
                    await _out.FlushAsync().ConfigureAwait(false);
                }

            default:
                while (true)
                {
                    var result = await reader.ReadAsync().ConfigureAwait(false);
                    var buffer = result.Buffer;
                    Relay(_out, buffer);
                    _capture?.Append(buffer);
                    bytes += buffer.Length;
                    reader.AdvanceTo(buffer.End);
                    if (result.IsCompleted)
                    {
                        return bytes;
                    }

                    await _out.FlushAsync().ConfigureAwait(false);
                }
        }
    }

    private Framing FramingOf(HttpHead response)
    {
        var status = response.StatusCode;
        if (_request.IsHead || status is 204 or 304 || status < 200)
        {
            return Framing.None;
        }

        if (response.Chunked)
        {
            return Framing.Chunked;
        }

        if (response.OtherTransferEncoding)
        {
            return Framing.UntilClose;
        }

        return response.ContentLength >= 0 ? Framing.Length : Framing.UntilClose;
    }

    /// <summary>Starts keeping the primary's response body for the copy waiting to compare it (chosen routes only).</summary>
    private void StartCapture(HttpHead response, Framing framing)
    {
        var expected = framing switch
        {
            Framing.None => 0,
            Framing.Length => response.ContentLength,
            _ => -1,
        };
        _capture = new BodyCapture(_m.BodyDiff!.MaxBodyBytes, expected)
        {
            DeclaredJson = BodyCapture.IsJsonType(response.Find("Content-Type"u8)),
            Encoded = BodyCapture.IsEncoded(response.Find("Content-Encoding"u8)),
        };
        _captureDecoded ??= data => _capture?.Append(data);
    }

    /// <summary>Hands the kept body (or, when the primary failed, nothing) to the copy waiting for it.</summary>
    private void EndCapture(bool kept)
    {
        var copy = _diffCopy;
        var capture = _capture;
        _diffCopy = null;
        _capture = null;
        if (copy is null)
        {
            capture?.Release();
            return;
        }

        if (!kept)
        {
            capture?.Release();
            capture = null;
        }

        copy.PrimaryBody!.TrySetResult(capture);
    }

    private ShadowCopy? Copy(ArrayBufferWriter<byte> body)
    {
        if (ShadowDropped)
        {
            ShadowDropped = false;
            return null;
        }

        var head = _request;
        var headers = new List<KeyValuePair<string, string>>(head.Headers.Count + 1);
        var forwarded = false;
        foreach (var h in head.Headers)
        {
            if (head.IsHopByHop(h))
            {
                continue;
            }

            var name = Encoding.Latin1.GetString(head.Name(h));
            var value = Encoding.Latin1.GetString(head.Value(h));
            if (name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase))
            {
                value = value + ", " + Encoding.ASCII.GetString(_clientAddress);
                forwarded = true;
            }

            headers.Add(new(name, value));
        }

        if (!forwarded)
        {
            headers.Add(new("X-Forwarded-For", Encoding.ASCII.GetString(_clientAddress)));
        }

        return new ShadowCopy
        {
            Method = Encoding.ASCII.GetString(head.MethodBytes),
            Target = Encoding.ASCII.GetString(head.TargetBytes),
            Route = _m.Plan.RouteOf(head.PathBytes).ToArray(),
            Headers = headers,
            Body = body.WrittenSpan.ToArray(),
            PrimaryBody = _m.BodyDiff is { } diff && diff.Chosen(head.PathBytes)
                ? new TaskCompletionSource<BodyCapture?>(TaskCreationOptions.RunContinuationsAsynchronously)
                : null,
        };
    }

    private void EmitPrimary(int status, long start, long requestBytes, long responseBytes, double latencyMs = double.NaN)
    {
        var n = MirrorNumbers.Absent();
        n[MirrorNumbers.PrimaryLatencyMs] = double.IsNaN(latencyMs) ? _m.Time.GetElapsedTime(start).TotalMilliseconds : latencyMs;
        n[MirrorNumbers.PrimaryError] = status is 0 or >= 500 ? 1 : 0;
        n[MirrorNumbers.RequestBytes] = requestBytes;
        n[MirrorNumbers.ResponseBytes] = responseBytes;
        var bytes = (int)Math.Min(int.MaxValue, _request.Length + requestBytes + responseBytes);
        _m.Recorder.Emit(Sink, shadow: false, _m.Plan.RouteOf(_request.PathBytes), _request.MethodBytes, status, n, bytes);
    }

    private void OnError(RecordError error, int bytes)
    {
        Sink.BeginBatch();
        try
        {
            Sink.OnError(error, bytes);
        }
        finally
        {
            Sink.EndBatch();
        }
    }

    private async Task AnswerBytesAsync(ReadOnlyMemory<byte> response)
    {
        try
        {
            await _out.WriteAsync(response).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The client is gone; there is nobody left to tell.
        }
    }

    private Task AnswerAsync(ReadOnlySpan<byte> response) => AnswerBytesAsync(response.ToArray());

    private static void Relay(PipeWriter writer, in ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            writer.Write(segment.Span);
        }
    }

    private static void Append(ArrayBufferWriter<byte> body, in ReadOnlySequence<byte> data)
    {
        foreach (var segment in data)
        {
            body.Write(segment.Span);
        }
    }

    private enum Framing
    {
        None,
        Length,
        Chunked,
        UntilClose,
    }
}
