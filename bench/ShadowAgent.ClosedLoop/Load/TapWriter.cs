using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ShadowAgent.ClosedLoop.Load;

/// <summary>
/// Copies lines to one of the agent's socket taps: each request as it arrives (<c>{"route":"/work"}</c>, as an ingress
/// copy of the traffic would be tapped), or each answer (<c>{"route":"/work","latency_ms":1.93,"status":200}</c>, as
/// a service's access log would be). Lines are buffered and written every 50 ms from one thread, so the request path
/// never waits on the agent; a write failure is counted and the copy stops (the benchmark's own measurements do not
/// depend on it).
/// </summary>
internal sealed class TapWriter : IDisposable
{
    private readonly Socket _socket;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private StringBuilder _pending = new();
    private StringBuilder _spare = new();
    private long _lines;
    private int _failed;

    private TapWriter(Socket socket)
    {
        _socket = socket;
        _thread = new Thread(Loop) { IsBackground = true, Name = "tap-writer" };
        _thread.Start();
    }

    public long Lines => Interlocked.Read(ref _lines);

    public bool Failed => Volatile.Read(ref _failed) != 0;

    /// <summary>Why the copy stopped, when it did.</summary>
    public string? Error { get; private set; }

    public static TapWriter Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect("127.0.0.1", port);
        return new TapWriter(socket);
    }

    /// <summary>One request arrived.</summary>
    public void Arrival()
    {
        lock (_thread)
        {
            _pending.Append("{\"route\":\"/work\"}\n");
        }
    }

    /// <summary>One request was answered (or shed, status 503).</summary>
    public void Record(double latencyMs, int status)
    {
        lock (_thread)
        {
            _pending.Append(CultureInfo.InvariantCulture, $"{{\"route\":\"/work\",\"latency_ms\":{latencyMs:0.###},\"status\":{status}}}\n");
        }
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        Flush();
        _socket.Dispose();
        _stop.Dispose();
    }

    private void Loop()
    {
        while (!_stop.Wait(TimeSpan.FromMilliseconds(50)))
        {
            Flush();
        }
    }

    private void Flush()
    {
        StringBuilder batch;
        lock (_thread)
        {
            (batch, _pending, _spare) = (_pending, _spare, _pending);
        }

        if (batch.Length == 0 || Failed)
        {
            batch.Clear();
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(batch.ToString());
        var lines = bytes.Count(b => b == (byte)'\n');
        batch.Clear();
        try
        {
            _socket.Send(bytes);
            Interlocked.Add(ref _lines, lines);
        }
        catch (SocketException e)
        {
            Error = e.Message;
            Interlocked.Exchange(ref _failed, 1);
        }
    }
}
