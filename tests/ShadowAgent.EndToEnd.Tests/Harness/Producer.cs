using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ShadowAgent.EndToEnd.Tests.Harness;

/// <summary>A producer writing NDJSON copies to a tap over a real loopback connection.</summary>
internal sealed class Producer : IDisposable
{
    private readonly Socket _socket;

    private Producer(Socket socket) => _socket = socket;

    public static async Task<Producer> ConnectAsync(EndPoint tap)
    {
        var socket = new Socket(tap.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(tap);
        return new Producer(socket);
    }

    public static string Record(int i, double latency) => string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"ts\":{1_700_000_000_000L + i},\"user\":{{\"id\":\"u{i % 97}\"}},\"route\":\"/api/r{i % 5}\",\"latency_ms\":{latency}}}\n");

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None);

    /// <summary>Ends the connection the polite way: the tap sees end of stream.</summary>
    public void Finish() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Waits until the tap has read everything and closed its side (end of stream here).</summary>
    public async Task WaitForTapCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[16];
        while (await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0)
        {
        }
    }

    /// <summary>Ends the connection abruptly with a reset, as a crashed producer does.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void Dispose() => _socket.Dispose();
}
