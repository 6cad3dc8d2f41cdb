using System.Net;
using System.Net.Sockets;
using MessagePack;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Forward;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Forward;

public sealed class ForwardTapTests
{
    private static StreamOptions Stream(Action<StreamOptions>? configure = null)
    {
        var options = new StreamOptions
        {
            Name = "fluent",
            Tap = new TapOptions { Kind = TapKinds.Forward, Address = "127.0.0.1:0" },
            KeyFields = ["user.id", "route", "ok"],
            NumericFields = ["n"],
        };
        configure?.Invoke(options);
        return options;
    }

    private static async Task<Socket> ConnectAsync(ForwardTap tap)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(tap.LocalEndPoint);
        return socket;
    }

    private static async Task SendAsync(Socket socket, byte[] data)
    {
        for (var sent = 0; sent < data.Length;)
        {
            sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>Sends, closes the sending side and waits until the tap has closed the connection's sink.</summary>
    private static async Task<RecordingSink> SendAndCloseAsync(ForwardTap tap, RecordingSinkFactory sinks, params byte[][] messages)
    {
        var before = sinks.Opened.Count;
        using var socket = await ConnectAsync(tap);
        foreach (var m in messages)
        {
            await SendAsync(socket, m);
        }

        socket.Shutdown(SocketShutdown.Send);
        await Eventually.Until(() => sinks.Opened.Count > before && sinks.CloseCalls(sinks.Opened[before]) == 1, "the connection's sink was closed");
        return sinks.Opened[before];
    }

    private static void AssertRecords(RecordingSink sink, int first, int count)
    {
        Assert.Equal(count, sink.Records.Count);
        Assert.Equal(Enumerable.Range(first, count).Select(i => (double)i), sink.Records.Select(r => r.Numbers[0]).Order());
        foreach (var r in sink.Records)
        {
            var i = (int)r.Numbers[0];
            Assert.Equal(0b111UL, r.KeysPresent);
            Assert.Equal(Extract.Hash($"u{i % 7}"), r.KeyHashes[0]);
            Assert.Equal(Extract.Hash("/api/" + (i % 3)), r.KeyHashes[1]);
            Assert.Equal(Extract.Hash("true"), r.KeyHashes[2]);
            Assert.Equal($"u{i % 7}", r.KeyTexts[0]);
        }
    }

    [Fact]
    public async Task Receive_MessageMode_FieldsAndEventTimeFromTheEntry()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(s => s.EventTime.Field = "time"), sinks, NullLoggerFactory.Instance);
        Assert.NotEqual(0, ((IPEndPoint)tap.LocalEndPoint).Port);
        var messages = Enumerable.Range(0, 50).Select(i => Frames.Message(i)).ToArray();
        var sink = await SendAndCloseAsync(tap, sinks, messages);

        Assert.Empty(sink.Errors);
        AssertRecords(sink, 0, 50);
        Assert.All(sink.Records, r => Assert.Equal(EventTimeState.Present, r.EventTime));
        Assert.Equal((1_764_000_000 + 7) * 1000L + 250, sink.Records.Single(r => r.Numbers[0] == 7).EventTimeUnixMs);
        Assert.Equal(messages.Sum(m => (long)m.Length), sink.TotalBytes);
    }

    [Fact]
    public async Task Receive_ForwardMode_EveryEntryIsARecord()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(), sinks, NullLoggerFactory.Instance);
        var sink = await SendAndCloseAsync(tap, sinks, Frames.Forward(0, 1000), Frames.Forward(1000, 1));
        Assert.Empty(sink.Errors);
        AssertRecords(sink, 0, 1001);
        Assert.Equal(0, sink.ProtocolViolations);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Receive_PackedForward_StrOrBin(bool asString)
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(), sinks, NullLoggerFactory.Instance);
        var entries = Frames.Entries(0, 300);
        var sink = await SendAndCloseAsync(tap, sinks, Frames.Packed(entries, asString));
        Assert.Empty(sink.Errors);
        AssertRecords(sink, 0, 300);
        Assert.Equal(entries.Length, sink.TotalBytes);
    }

    [Fact]
    public async Task Receive_CompressedPackedForward_GzipOfSeveralMembers()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(), sinks, NullLoggerFactory.Instance);
        var gzip = Frames.Gzip(Frames.Entries(0, 200), Frames.Entries(200, 100));
        var sink = await SendAndCloseAsync(tap, sinks, Frames.Packed(gzip, asString: false, gzip: true));
        Assert.Empty(sink.Errors);
        AssertRecords(sink, 0, 300);
    }

    [Fact]
    public async Task Receive_ChunkOption_AckedAfterTheRecordsAreInTheSink()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(), sinks, NullLoggerFactory.Instance);
        using var socket = await ConnectAsync(tap);
        var modes = new[]
        {
            Frames.Message(0, "c-message"),
            Frames.Forward(1, 10, "c-forward"),
            Frames.Packed(Frames.Entries(11, 10), asString: false, chunk: "c-packed"),
            Frames.Packed(Frames.Gzip(Frames.Entries(21, 10)), asString: false, chunk: "c-gzip", gzip: true),
        };
        var expected = new[] { ("c-message", 1), ("c-forward", 11), ("c-packed", 21), ("c-gzip", 31) };
        var buffer = new byte[256];
        for (var m = 0; m < modes.Length; m++)
        {
            await SendAsync(socket, modes[m]);
            var received = 0;
            string? ack = null;
            while (ack is null)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None);
                Assert.NotEqual(0, n);
                received += n;
                ack = TryReadAck(buffer.AsMemory(0, received));
            }

            Assert.Equal(expected[m].Item1, ack);
            Assert.True(Assert.Single(sinks.Opened).Handled >= expected[m].Item2, "the acknowledged records were in the sink before the ack");
        }

        socket.Shutdown(SocketShutdown.Send);
        var sink = Assert.Single(sinks.Opened);
        await Eventually.Until(() => sinks.CloseCalls(sink) == 1, "the sink was closed");
        AssertRecords(sink, 0, 31);
    }

    private static string? TryReadAck(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            var reader = new MessagePackReader(bytes);
            Assert.Equal(1, reader.ReadMapHeader());
            Assert.Equal("ack", reader.ReadString());
            return reader.ReadString();
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Receive_MessageSplitAcrossSlowWrites_ParsedOnceWhole()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(), sinks, NullLoggerFactory.Instance);
        using var socket = await ConnectAsync(tap);
        var message = Frames.Forward(0, 100);
        await SendAsync(socket, message[..(message.Length / 2)]);
        var sink = await WaitForSink(sinks);
        Assert.Equal(0, sink.Handled);
        for (var offset = message.Length / 2; offset < message.Length; offset += 97)
        {
            await SendAsync(socket, message[offset..Math.Min(offset + 97, message.Length)]);
            await Task.Yield();
        }

        socket.Shutdown(SocketShutdown.Send);
        await Eventually.Until(() => sinks.CloseCalls(sink) == 1, "the sink was closed");
        Assert.Empty(sink.Errors);
        AssertRecords(sink, 0, 100);
    }

    private static async Task<RecordingSink> WaitForSink(RecordingSinkFactory sinks)
    {
        await Eventually.Until(() => sinks.Opened.Count == 1, "the connection was accepted");
        return sinks.Opened[0];
    }

    [Fact]
    public async Task Receive_Heartbeat_NotARecord()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(), sinks, NullLoggerFactory.Instance);
        var sink = await SendAndCloseAsync(tap, sinks, [0xc0], Frames.Message(0), [0xc0]);
        Assert.Empty(sink.Errors);
        AssertRecords(sink, 0, 1);
    }

    [Fact]
    public async Task StopAsync_SenderStalledMidMessage_SinkClosedOnceAndNothingHalfCounted()
    {
        var sinks = new RecordingSinkFactory();
        var tap = (ForwardTap)TapFactory.Start(Stream(), sinks, NullLoggerFactory.Instance);
        using var socket = await ConnectAsync(tap);
        await SendAsync(socket, Frames.Forward(0, 2));
        var message = Frames.Forward(2, 50);
        await SendAsync(socket, message[..(message.Length - 1)]);
        var sink = await WaitForSink(sinks);
        await Eventually.Until(() => sink.Handled == 2, "the whole message was handled");

        await tap.StopAsync(CancellationToken.None);
        Assert.Equal(1, sinks.CloseCalls(sink));
        Assert.Empty(sink.Errors);
        AssertRecords(sink, 0, 2);
        Assert.Equal(0, await socket.ReceiveAsync(new byte[1], SocketFlags.None));
    }
}
