using System.Net.Sockets;
using ShadowAgent.Taps.Listening;

namespace ShadowAgent.Taps.Tests.Listening;

/// <summary>
/// A connection that reads its socket until the peer closes. A cooperative one ends on <see cref="RequestStop"/>;
/// a stuck one ignores it (as a connection in the middle of a long exchange would) and ends only on <see cref="Abort"/>.
/// </summary>
internal sealed class TestConnection(Socket socket, bool stuck, bool throwAtEnd) : IAcceptedConnection
{
    private readonly CancellationTokenSource _cts = new();
    private int _stopRequests;
    private int _aborts;

    public int StopRequests => Volatile.Read(ref _stopRequests);

    public int Aborts => Volatile.Read(ref _aborts);

    public long BytesRead { get; private set; }

    public async Task RunAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _cts.Token);
                if (read == 0)
                {
                    break;
                }

                BytesRead += read;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped or aborted.
        }
        finally
        {
            socket.Dispose();
        }

        if (throwAtEnd)
        {
            throw new InvalidOperationException("the connection failed");
        }
    }

    public void RequestStop()
    {
        Interlocked.Increment(ref _stopRequests);
        if (!stuck)
        {
            _cts.Cancel();
        }
    }

    public void Abort()
    {
        Interlocked.Increment(ref _aborts);
        _cts.Cancel();
    }
}
