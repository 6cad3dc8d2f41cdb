using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Sockets;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Sockets;

public sealed class SocketTapTests
{
    private static StreamOptions Tcp(Action<TapOptions>? configure = null)
    {
        var options = new StreamOptions
        {
            Name = "orders",
            Tap = new TapOptions { Kind = TapKinds.Tcp, Address = "127.0.0.1:0" },
            KeyFields = ["user.id"],
            NumericFields = ["n"],
        };
        configure?.Invoke(options.Tap);
        return options;
    }

    private static async Task<Socket> ConnectAsync(SocketTap tap)
    {
        var ep = tap.LocalEndPoint;
        var socket = ep is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(ep);
        return socket;
    }

    private static async Task SendAllAsync(Socket socket, byte[] data)
    {
        for (var sent = 0; sent < data.Length;)
        {
            sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None);
        }
    }

    private static byte[] Lines(int count, int first = 0) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(first, count).Select(i => $"{{\"user\":{{\"id\":\"u{i % 7}\"}},\"n\":{i}}}\n")));

    [Fact]
    public async Task Start_Tcp_RecordsReachSinkAndSinkClosedAtEof()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = SocketTap.Start(Tcp(), sinks, NullLoggerFactory.Instance);
        Assert.NotEqual(0, ((IPEndPoint)tap.LocalEndPoint).Port);
        Assert.Equal("orders", tap.StreamName);

        var data = Lines(1000);
        using (var client = await ConnectAsync(tap))
        {
            await SendAllAsync(client, data);
            client.Shutdown(SocketShutdown.Send);
        }

        await Eventually.Until(() => sinks.ClosedCount == 1, "the sink is closed");
        var sink = sinks.Opened.Single();
        Assert.Equal(1000, sink.Records.Count);
        Assert.Equal(Extract.Hash("u3"), sink.Records[3].KeyHashes[0]);
        Assert.Equal(999, sink.Records[999].Numbers[0]);
        Assert.Equal(data.Length, sink.TotalBytes);
        Assert.Equal(0, sink.ProtocolViolations);
        Assert.Equal(1, sinks.CloseCalls(sink));
    }

    [Fact]
    public async Task Start_LineSplitAcrossTinyWritesAndFinalLineWithoutNewline_ParsesAll()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = SocketTap.Start(Tcp(), sinks, NullLoggerFactory.Instance);
        var data = Encoding.UTF8.GetBytes("\n{\"user\":{\"id\":\"\\u0061b\"},\"n\":1.5}\r\n\r\n{\"n\":2}");

        using (var client = await ConnectAsync(tap))
        {
            foreach (var b in data)
            {
                await client.SendAsync(new[] { b }, SocketFlags.None);
            }

            client.Shutdown(SocketShutdown.Send);
        }

        await Eventually.Until(() => sinks.ClosedCount == 1, "the sink is closed");
        var sink = sinks.Opened.Single();
        Assert.Equal(2, sink.Records.Count);
        Assert.Equal(Extract.Hash("ab"), sink.Records[0].KeyHashes[0]);
        Assert.Equal(1.5, sink.Records[0].Numbers[0]);
        Assert.Equal(2, sink.Records[1].Numbers[0]);
        Assert.Equal(7, sink.Records[1].Bytes);
        Assert.Empty(sink.Errors);
    }

    [Fact]
    public async Task Start_AbruptResetMidLine_ConnectionEndsAndTapKeepsServing()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = SocketTap.Start(Tcp(), sinks, NullLoggerFactory.Instance);

        using (var client = await ConnectAsync(tap))
        {
            await SendAllAsync(client, Lines(10));
            await Eventually.Until(() => sinks.Opened.Count == 1 && sinks.Opened[0].Handled == 10, "the first lines are parsed");
            await SendAllAsync(client, "{\"user\":{\"id\":\"cut"u8.ToArray());
            client.LingerState = new LingerOption(true, 0);
            client.Close();
        }

        await Eventually.Until(() => sinks.ClosedCount == 1, "the reset connection's sink is closed");
        var first = sinks.Opened[0];
        Assert.Equal(10, first.Records.Count);
        Assert.True(first.Errors.All(e => e.Error == RecordError.Malformed) && first.Errors.Count <= 1);

        using (var client = await ConnectAsync(tap))
        {
            await SendAllAsync(client, Lines(5));
            client.Shutdown(SocketShutdown.Send);
        }

        await Eventually.Until(() => sinks.ClosedCount == 2, "the second sink is closed");
        Assert.Equal(5, sinks.Opened[1].Records.Count);
        Assert.Equal(1, sinks.CloseCalls(first));
    }

    [Fact]
    public async Task Start_AtMaxConnections_ThirdConnectionRejected()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = SocketTap.Start(Tcp(t => t.MaxConnections = 2), sinks, NullLoggerFactory.Instance);

        using var a = await ConnectAsync(tap);
        using var b = await ConnectAsync(tap);
        await Eventually.Until(() => sinks.Opened.Count == 2, "two connections are open");
        using var c = await ConnectAsync(tap);

        // The rejected connection is closed by the tap: reading it ends (EOF or reset).
        var buffer = new byte[16];
        try
        {
            Assert.Equal(0, await c.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30)));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        Assert.Equal(1, sinks.Rejected);
        Assert.Equal(2, sinks.Opened.Count);

        await SendAllAsync(a, Lines(3));
        a.Shutdown(SocketShutdown.Send);
        await Eventually.Until(() => sinks.ClosedCount == 1, "the first connection ends");
        using var d = await ConnectAsync(tap);
        await Eventually.Until(() => sinks.Opened.Count == 3, "a freed slot is used again");
    }

    [Fact]
    public async Task Start_SinkBlockedWhileProducerSendsMegabytes_ProducerNeverWaitsAndTotalsReconcile()
    {
        using var gate = new ManualResetEventSlim(false);
        var sinks = new RecordingSinkFactory(() => new RecordingSink(gate));
        await using var tap = SocketTap.Start(Tcp(t => { t.MaxLineBytes = 1024; t.MaxBacklogBytes = 256 * 1024; }), sinks, NullLoggerFactory.Instance);

        var rng = new Random(42);
        var text = new StringBuilder();
        var lines = 0;
        while (text.Length < 8 * 1024 * 1024)
        {
            text.Append("{\"user\":{\"id\":\"").Append(new string('z', rng.Next(0, 300))).Append("\"},\"n\":").Append(lines).Append("}\n");
            lines++;
        }

        var data = Encoding.UTF8.GetBytes(text.ToString());
        using (var client = await ConnectAsync(tap))
        {
            // Completes only if the tap keeps reading while its sink is stuck.
            await SendAllAsync(client, data).WaitAsync(TimeSpan.FromSeconds(60));
            client.Shutdown(SocketShutdown.Send);
        }

        await Eventually.Until(() => sinks.Opened.Count == 1 && sinks.Opened[0].DroppedBytes > 0, "records are shed");
        gate.Set();
        await Eventually.Until(() => sinks.ClosedCount == 1, "the sink is closed");

        var sink = sinks.Opened[0];
        Assert.Empty(sink.Errors);
        Assert.True(sink.DroppedRecords > 0);
        Assert.True(sink.Records.Count > 0);
        Assert.Equal(lines, sink.TotalRecords);
        Assert.Equal(data.Length, sink.TotalBytes);

        // Parsed records are whole lines, in order.
        var seen = sink.Records.Select(r => r.Numbers[0]).ToArray();
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(0, sink.ProtocolViolations);
    }

    [Fact]
    public async Task StopAsync_OpenConnections_DrainedAndEverySinkClosedOnce()
    {
        var sinks = new RecordingSinkFactory();
        var tap = SocketTap.Start(Tcp(), sinks, NullLoggerFactory.Instance);
        var clients = new List<Socket>();
        for (var i = 0; i < 3; i++)
        {
            var client = await ConnectAsync(tap);
            clients.Add(client);
            await SendAllAsync(client, Lines(100 * (i + 1)));
        }

        await Eventually.Until(() => sinks.Opened.Count == 3 && sinks.Opened.Sum(s => s.Handled) == 600, "every line is parsed");

        await tap.StopAsync(CancellationToken.None);
        await tap.DisposeAsync();

        Assert.Equal(3, sinks.ClosedCount);
        Assert.All(sinks.Opened, s => Assert.Equal(1, sinks.CloseCalls(s)));
        await Assert.ThrowsAnyAsync<SocketException>(() => ConnectAsync(tap));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task StopAsync_SinkStuckPastToken_BufferedRecordsCountedAsDropped()
    {
        using var gate = new ManualResetEventSlim(false);
        var sinks = new RecordingSinkFactory(() => new RecordingSink(gate));
        var tap = SocketTap.Start(Tcp(), sinks, NullLoggerFactory.Instance);
        using var client = await ConnectAsync(tap);
        var first = Lines(1);
        await SendAllAsync(client, first);
        await Eventually.Until(() => sinks.Opened.Count == 1 && sinks.Opened[0].Handled == 1, "the parse loop is stuck in the first batch");
        var rest = Lines(50, 1);
        await SendAllAsync(client, rest);

        var stop = tap.StopAsync(new CancellationToken(canceled: true));
        await Eventually.Until(() => tap.AbortedConnections == 1, "the stuck connection is aborted");
        Assert.False(stop.IsCompleted);
        gate.Set();
        await stop.WaitAsync(TimeSpan.FromSeconds(30));

        var sink = sinks.Opened[0];
        Assert.Equal(1, sinks.CloseCalls(sink));
        Assert.Single(sink.Records);

        // Lines still in the socket buffer when receiving stopped were never received; the rest are dropped.
        Assert.True(sink.TotalRecords <= 51);
        Assert.Equal(sink.TotalRecords - 1, sink.DroppedRecords);
        Assert.Equal(first.Length + sink.DroppedBytes, sink.TotalBytes);
    }

    [Fact]
    public async Task Start_UnixSocketWithStaleFile_ReplacesItAndParses()
    {
        var dir = Directory.CreateTempSubdirectory("tap-");
        var path = Path.Combine(dir.FullName, "s.sock");
        try
        {
            // What a killed process leaves behind (.NET removes the file itself when a bound socket is disposed).
            await File.WriteAllBytesAsync(path, []);
            Assert.True(File.Exists(path));
            var sinks = new RecordingSinkFactory();
            var options = Tcp();
            options.Tap.Kind = TapKinds.Unix;
            options.Tap.Address = path;
            var tap = SocketTap.Start(options, sinks, NullLoggerFactory.Instance);

            var ex = Assert.Throws<InvalidOperationException>(() => SocketTap.Start(options, new RecordingSinkFactory(), NullLoggerFactory.Instance));
            Assert.Contains("orders", ex.Message, StringComparison.Ordinal);
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);

            var data = Lines(20);
            using (var client = await ConnectAsync(tap))
            {
                await SendAllAsync(client, data);
                client.Shutdown(SocketShutdown.Send);
            }

            // The refused second start probed the path with a connection of its own: that is the first sink.
            await Eventually.Until(() => sinks.ClosedCount == 2, "both sinks are closed");
            Assert.Equal(0, sinks.Opened[0].TotalRecords);
            Assert.Equal(20, sinks.Opened[1].Records.Count);
            Assert.Equal(data.Length, sinks.Opened[1].TotalBytes);

            await tap.DisposeAsync();
            Assert.False(File.Exists(path));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_AddressInUse_ThrowsNamingStreamAndAddress()
    {
        await using var first = SocketTap.Start(Tcp(), new RecordingSinkFactory(), NullLoggerFactory.Instance);
        var address = first.LocalEndPoint.ToString()!;

        var ex = Assert.Throws<InvalidOperationException>(() => SocketTap.Start(Tcp(t => t.Address = address), new RecordingSinkFactory(), NullLoggerFactory.Instance));

        Assert.Contains("orders", ex.Message, StringComparison.Ordinal);
        Assert.Contains(address, ex.Message, StringComparison.Ordinal);
    }
}
