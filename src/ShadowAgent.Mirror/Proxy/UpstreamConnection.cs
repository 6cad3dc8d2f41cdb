using System.IO.Pipelines;
using System.Net.Sockets;

namespace ShadowAgent.Mirror.Proxy;

/// <summary>One keep-alive connection to the primary, with its pipes.</summary>
internal sealed class UpstreamConnection : IAsyncDisposable
{
    private readonly NetworkStream _stream;

    public UpstreamConnection(Socket socket)
    {
        Socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        Writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
    }

    public Socket Socket { get; }

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    /// <summary>Requests this connection carried; a reused one may have been closed by the primary meanwhile.</summary>
    public int Uses { get; set; }

    /// <summary>
    /// Whether an idle connection can carry another request: a readable idle socket means the primary closed it
    /// (or sent bytes nobody asked for), either way it is not reusable.
    /// </summary>
    public bool LooksAlive()
    {
        try
        {
            return Socket.Connected && !Socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Closes the connection without waiting (the pipes hold nothing worth flushing).</summary>
    public void Close()
    {
        Reader.Complete();
        Writer.Complete();
        _stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Reader.CompleteAsync().ConfigureAwait(false);
        await Writer.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
