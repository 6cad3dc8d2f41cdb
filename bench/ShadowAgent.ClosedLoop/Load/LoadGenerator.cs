using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using ShadowAgent.ClosedLoop.Worker;

namespace ShadowAgent.ClosedLoop.Load;

/// <summary>
/// Open-loop load: each request is sent at its scheduled arrival time whether or not earlier ones were answered,
/// over a fixed set of connections (each request to the connection with the fewest outstanding, which behaves like
/// one shared server queue), with at most <see cref="MaxInFlight"/> unanswered requests: beyond that a request is
/// shed and counted as failed. Latency runs from the scheduled arrival to the answer.
/// </summary>
internal sealed class LoadGenerator : IDisposable
{
    private readonly Connection[] _connections;
    private readonly LatencyLog _log;
    private readonly TapWriter? _arrivals;
    private readonly TapWriter? _access;
    private readonly long _origin;
    private readonly double _offset;
    private int _inFlight;
    private long _sent;
    private long _shed;
    private long _answered;

    /// <param name="origin">Stopwatch timestamp of the run's time 0; arrival times are seconds from it.</param>
    /// <param name="offset">Seconds added to an arrival time to get its second in <paramref name="log"/>.</param>
    /// <param name="arrivals">Tap of every request as it arrives (the demand), or null.</param>
    /// <param name="access">Tap of every answer with its latency (the access log), or null.</param>
    public LoadGenerator(int port, int connections, int maxInFlight, LatencyLog log, TapWriter? arrivals, TapWriter? access, long origin, double offset = 0)
    {
        MaxInFlight = maxInFlight;
        _log = log;
        _arrivals = arrivals;
        _access = access;
        _origin = origin;
        _offset = offset;
        _connections = new Connection[connections];
        for (var i = 0; i < connections; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect("127.0.0.1", port);
            _connections[i] = new Connection(this, socket);
        }
    }

    public int MaxInFlight { get; }

    public long Sent => Interlocked.Read(ref _sent);

    public long Shed => Interlocked.Read(ref _shed);

    public long Answered => Interlocked.Read(ref _answered);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Sends every arrival at its time (blocking the calling thread), then waits up to <paramref name="drain"/> for answers.</summary>
    public void Run(ReadOnlySpan<double> arrivals, TimeSpan drain, CancellationToken cancellation)
    {
        foreach (var at in arrivals)
        {
            if (cancellation.IsCancellationRequested)
            {
                return;
            }

            WaitUntil(at);
            _arrivals?.Arrival();
            if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
            {
                Interlocked.Decrement(ref _inFlight);
                Interlocked.Increment(ref _shed);
                _log.Fail(at + _offset);
                _access?.Record(0, 503);
                continue;
            }

            Connection? best = null;
            foreach (var c in _connections)
            {
                if (!c.Broken && (best is null || c.Outstanding < best.Outstanding))
                {
                    best = c;
                }
            }

            if (best is null)
            {
                // Every connection failed (the worker died): what follows is lost, and counted so.
                Interlocked.Decrement(ref _inFlight);
                _log.Fail(at + _offset);
                continue;
            }

            // A failed send leaves the request queued on its connection: it is counted as lost at the end.
            best.Send(at);
            Interlocked.Increment(ref _sent);
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(drain.TotalSeconds * Stopwatch.Frequency);
        while (InFlight > 0 && Stopwatch.GetTimestamp() < deadline && !cancellation.IsCancellationRequested)
        {
            Thread.Sleep(10);
        }
    }

    /// <summary>Counts what is still unanswered as failed, in its scheduled second, and closes the connections.</summary>
    public void Dispose()
    {
        foreach (var c in _connections)
        {
            c.Close();
            while (c.TryTake(out var at))
            {
                _log.Fail(at + _offset);
            }
        }
    }

    private void WaitUntil(double seconds)
    {
        var target = _origin + (long)(seconds * Stopwatch.Frequency);
        while (true)
        {
            var left = target - Stopwatch.GetTimestamp();
            if (left <= 0)
            {
                return;
            }

            if (left > Stopwatch.Frequency / 500)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.SpinWait(50);
            }
        }
    }

    private void Answer(double at)
    {
        var latencyMs = (Stopwatch.GetElapsedTime(_origin).TotalSeconds - at) * 1000;
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _answered);
        _log.Add(at + _offset, latencyMs);
        _access?.Record(latencyMs, 200);
    }

    private sealed class Connection
    {
        private static readonly byte[] RequestBytes = [WorkerServer.Request];
        private readonly LoadGenerator _owner;
        private readonly Socket _socket;
        private readonly ConcurrentQueue<double> _waiting = new();
        private readonly Thread _reader;
        private int _outstanding;

        public Connection(LoadGenerator owner, Socket socket)
        {
            _owner = owner;
            _socket = socket;
            _reader = new Thread(Read) { IsBackground = true, Name = "load-reader" };
            _reader.Start();
        }

        public int Outstanding => Volatile.Read(ref _outstanding);

        public bool Broken { get; private set; }

        public void Send(double at)
        {
            // Queued before it is sent, so the reader always finds the request its answer belongs to.
            _waiting.Enqueue(at);
            Interlocked.Increment(ref _outstanding);
            try
            {
                _socket.Send(RequestBytes);
            }
            catch (SocketException)
            {
                Broken = true;
            }
        }

        public bool TryTake(out double at) => _waiting.TryDequeue(out at);

        public void Close()
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already reset by the other side.
            }

            _reader.Join();
            _socket.Dispose();
        }

        private void Read()
        {
            var buffer = new byte[1024];
            try
            {
                while (true)
                {
                    var n = _socket.Receive(buffer);
                    if (n == 0)
                    {
                        return;
                    }

                    for (var i = 0; i < n; i++)
                    {
                        if (buffer[i] == WorkerServer.Response && _waiting.TryDequeue(out var at))
                        {
                            Interlocked.Decrement(ref _outstanding);
                            _owner.Answer(at);
                        }
                    }
                }
            }
            catch (SocketException)
            {
                // Closed at the end of the run, or the worker died: what is unanswered is counted as failed.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
