using System.Net.Sockets;
using MessagePack;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Forward;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Forward;

/// <summary>Bad input over real loopback connections: counted as an error, never a crash, never unbounded memory.</summary>
public sealed class ForwardHostileInputTests
{
    private static ForwardTap Start(RecordingSinkFactory sinks, Action<TapOptions>? configure = null)
    {
        var stream = new StreamOptions
        {
            Name = "fluent",
            Tap = new TapOptions { Kind = TapKinds.Forward, Address = "127.0.0.1:0", MaxFrameBytes = 64 * 1024, MaxDepth = 16, MaxEntries = 1000 },
            KeyFields = ["user.id"],
            NumericFields = ["n"],
        };
        configure?.Invoke(stream.Tap);
        return ForwardTap.Start(stream, sinks, NullLoggerFactory.Instance);
    }

    /// <summary>Sends the bytes, then waits for the tap to end the connection (or for our own close to be seen).</summary>
    private static async Task<(RecordingSink Sink, bool ClosedByTap)> Send(ForwardTap tap, RecordingSinkFactory sinks, byte[] bytes, bool closeAfter = true)
    {
        var before = sinks.Opened.Count;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(tap.LocalEndPoint);
        var closedByTap = false;
        try
        {
            for (var sent = 0; sent < bytes.Length;)
            {
                sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
            }
        }
        catch (SocketException)
        {
            closedByTap = true;
        }

        await Eventually.Until(() => sinks.Opened.Count > before, "the connection was accepted");
        var sink = sinks.Opened[before];
        if (closeAfter && !closedByTap)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        await Eventually.Until(() => sinks.CloseCalls(sink) == 1, "the connection ended");
        if (!closedByTap && !closeAfter)
        {
            closedByTap = true;
        }

        return (sink, closedByTap);
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    [Fact]
    public async Task Receive_Str32ClaimingFourGigabytes_OversizeAndClosedWithoutWaiting()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks);
        // [ "t", str32 of 0xFFFFFFFF bytes ...: the tap must not wait for (or allocate) 4 GB.
        var (sink, closed) = await Send(tap, sinks, [0x93, 0xa1, (byte)'t', 0xdb, 0xff, 0xff, 0xff, 0xff, 0x41], closeAfter: false);
        Assert.True(closed);
        Assert.Equal(RecordError.Oversize, Assert.Single(sink.Errors).Error);
    }

    [Fact]
    public async Task Receive_Array32ClaimingFourBillionEntries_Oversize()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks);
        var (sink, _) = await Send(tap, sinks, [0x92, 0xa1, (byte)'t', 0xdd, 0xff, 0xff, 0xff, 0xff], closeAfter: false);
        Assert.Equal(RecordError.Oversize, Assert.Single(sink.Errors).Error);
    }

    [Fact]
    public async Task Receive_DeepNesting_MalformedAndClosed()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks);
        var deep = Concat([0x92, 0xa1, (byte)'t'], Enumerable.Repeat((byte)0x91, 100_000).ToArray(), [0xc0]);
        var (sink, _) = await Send(tap, sinks, deep, closeAfter: false);
        Assert.Equal(RecordError.Malformed, Assert.Single(sink.Errors).Error);
    }

    [Fact]
    public async Task Receive_TruncatedMessageAtClose_OneMalformedAfterTheWholeOnes()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks);
        var whole = Frames.Forward(0, 5);
        var (sink, _) = await Send(tap, sinks, Concat(whole, whole[..(whole.Length - 3)]));
        Assert.Equal(5, sink.Records.Count);
        Assert.Equal(RecordError.Malformed, Assert.Single(sink.Errors).Error);
    }

    [Fact]
    public async Task Receive_MessageOverTheLimit_OversizeAndClosed()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks);
        var big = Frames.Forward(0, 3000);
        Assert.True(big.Length > 64 * 1024);
        var (sink, _) = await Send(tap, sinks, Concat(Frames.Forward(0, 3), big), closeAfter: false);
        Assert.Equal(3, sink.Records.Count);
        Assert.Equal(RecordError.Oversize, Assert.Single(sink.Errors).Error);
    }

    [Fact]
    public async Task Receive_ReservedCode_MalformedAndClosed()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks);
        var (sink, _) = await Send(tap, sinks, [0xc1, 0x00, 0x00], closeAfter: false);
        Assert.Equal(RecordError.Malformed, Assert.Single(sink.Errors).Error);
    }

    [Fact]
    public async Task Receive_WellFramedButWrongShapes_CountedAndTheConnectionGoesOn()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks);
        var notArray = Frames.Build((ref MessagePackWriter w) => w.Write("hello"));
        var noTag = Frames.Build((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(1);
            w.Write(2);
        });
        var badEntries = Frames.Build((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write("t");
            w.WriteArrayHeader(3);
            w.Write(42); // not an entry
            w.WriteArrayHeader(2); // [time, not a map]
            w.Write(1);
            w.Write("x");
            w.WriteArrayHeader(2); // a good entry
            w.Write(1);
            Frames.Record(ref w, 9);
        });
        var badGzip = Frames.Packed([1, 2, 3, 4], asString: false, gzip: true);
        var unknownCompression = Frames.Build((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(3);
            w.Write("t");
            w.Write(new byte[] { 0x90 });
            w.WriteMapHeader(1);
            w.Write("compressed");
            w.Write("zstd");
        });
        var (sink, _) = await Send(tap, sinks, Concat(notArray, noTag, badEntries, badGzip, unknownCompression, Frames.Message(1)));
        Assert.Equal(6, sink.Errors.Count);
        Assert.All(sink.Errors, e => Assert.Equal(RecordError.Malformed, e.Error));
        Assert.Equal([1.0, 9.0], sink.Records.Select(r => r.Numbers[0]).Order());
    }

    [Fact]
    public async Task Receive_GzipBombPastTheLimit_OversizeAndTheConnectionGoesOn()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks);
        var bomb = Frames.Gzip(new byte[1024 * 1024]);
        Assert.True(bomb.Length < 64 * 1024);
        var (sink, _) = await Send(tap, sinks, Concat(Frames.Packed(bomb, asString: false, gzip: true), Frames.Message(2)));
        Assert.Equal(RecordError.Oversize, Assert.Single(sink.Errors).Error);
        Assert.Equal(2.0, Assert.Single(sink.Records).Numbers[0]);
    }

    [Fact]
    public async Task Receive_TooManyEntries_Malformed()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks, t => t.MaxEntries = 10);
        var (sink, _) = await Send(tap, sinks, Concat(Frames.Forward(0, 11), Frames.Forward(0, 10)));
        Assert.Equal(RecordError.Malformed, Assert.Single(sink.Errors).Error);
        Assert.Equal(10, sink.Records.Count);
    }

    [Fact]
    public async Task Receive_InvalidUtf8InARecord_CountedAsInvalidUtf8()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks);
        var message = Frames.Build((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(3);
            w.Write("t");
            w.Write(1);
            w.WriteMapHeader(1);
            w.Write("user");
            w.WriteMapHeader(1);
            w.Write("id");
            w.WriteStringHeader(2);
            w.WriteRaw(new byte[] { 0xff, 0xfe });
        });
        var (sink, _) = await Send(tap, sinks, message);
        Assert.Equal(RecordError.InvalidUtf8, Assert.Single(sink.Errors).Error);
    }

    [Fact]
    public async Task Receive_MoreConnectionsThanAllowed_ExtraOnesRejectedAndCounted()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = Start(sinks, t => t.MaxConnections = 1);
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await first.ConnectAsync(tap.LocalEndPoint);
        await Eventually.Until(() => sinks.Opened.Count == 1, "the first connection was accepted");
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(tap.LocalEndPoint);
        await Eventually.Until(() => sinks.Rejected == 1, "the second connection was rejected");
        Assert.Equal(0, await second.ReceiveAsync(new byte[1], SocketFlags.None));
    }
}
