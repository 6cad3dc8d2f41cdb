using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ShadowAgent.ClosedLoop.Worker;

/// <summary>
/// The served process (<c>closed-loop worker --rounds N</c>): a TCP server on loopback where every request byte
/// <c>W</c> costs <see cref="CpuWork"/> rounds and is answered with one byte <c>K</c>, in order, per connection.
/// One thread per connection with blocking sockets: the server's concurrency is the client's connection count and
/// does not depend on thread-pool growth, which would itself react to the cgroup's throttling. It prints
/// <c>port N</c> once listening and exits when its standard input closes, so it never outlives the harness.
/// </summary>
internal static class WorkerServer
{
    public const byte Request = (byte)'W';
    public const byte Response = (byte)'K';

    public static int Run(string[] args)
    {
        var rounds = 0;
        var port = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out rounds) && rounds > 0:
                    i++;
                    break;
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535:
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"closed-loop worker: '{args[i]}' is not an option (usage: worker --rounds N [--port P]; N > 0)");
                    return 2;
            }
        }

        if (rounds == 0)
        {
            Console.Error.WriteLine("closed-loop worker: --rounds N is required");
            return 2;
        }

        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(512);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"port {((IPEndPoint)listener.LocalEndpoint).Port}"));
        Console.Out.Flush();
        var stdin = new Thread(() =>
        {
            // The harness holds our stdin; EOF means it is gone (or done with us).
            while (Console.In.ReadLine() is not null)
            {
            }

            Environment.Exit(0);
        }) { IsBackground = true, Name = "stdin-watch" };
        stdin.Start();
        while (true)
        {
            var socket = listener.AcceptSocket();
            socket.NoDelay = true;
            new Thread(() => Serve(socket, rounds)) { IsBackground = true, Name = "serve" }.Start();
        }
    }

    private static void Serve(Socket socket, int rounds)
    {
        var buffer = new byte[4096];
        var reply = new[] { Response };
        try
        {
            while (true)
            {
                var n = socket.Receive(buffer);
                if (n == 0)
                {
                    return;
                }

                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] == Request)
                    {
                        CpuWork.Run(rounds, buffer[i]);
                        socket.Send(reply);
                    }
                }
            }
        }
        catch (SocketException)
        {
            // The client went away.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
