using System.Buffers;
using MessagePack;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Forward;
using ShadowAgent.Taps.Parsing;
using ShadowAgent.Taps.Sockets;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Forward;

public sealed class MsgPackScannerTests
{
    /// <summary>One value of every MessagePack format family, written by MessagePack's own writer.</summary>
    private static byte[] EveryFormat() => Frames.Build((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(24);
        w.Write(0);
        w.Write(-1);
        w.Write(-100);
        w.Write(200);
        w.Write(70_000);
        w.Write(5_000_000_000L);
        w.Write(ulong.MaxValue);
        w.Write(-5_000_000_000L);
        w.Write(1.5f);
        w.Write(2.25);
        w.WriteNil();
        w.Write(true);
        w.Write(false);
        w.Write("short");
        w.Write(new string('s', 40));
        w.Write(new string('m', 300));
        w.Write(new string('l', 70_000));
        w.Write(new byte[] { 1, 2, 3 });
        w.Write(new byte[300]);
        w.Write(new byte[70_000]);
        w.WriteExtensionFormat(new ExtensionResult(5, new byte[] { 1 }));
        w.WriteExtensionFormat(new ExtensionResult(5, new byte[16]));
        w.WriteExtensionFormat(new ExtensionResult(5, new byte[300]));
        w.WriteMapHeader(20);
        for (var i = 0; i < 20; i++)
        {
            w.Write(i);
            w.WriteArrayHeader(i);
            for (var j = 0; j < i; j++)
            {
                w.Write(j);
            }
        }
    });

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public void Scan_EveryFormatInAnySegmentSize_FindsTheEnd(int segmentSize)
    {
        var value = EveryFormat();
        var withNext = value.Concat(new byte[] { 0x01, 0x02 }).ToArray();
        var result = MsgPackScanner.Scan(Segments.Split(withNext, segmentSize), 1 << 20, 8, out var length);
        Assert.Equal(ScanResult.Complete, result);
        Assert.Equal(value.Length, length);
    }

    [Fact]
    public void Scan_EveryPrefix_IsIncomplete()
    {
        var value = Frames.Forward(0, 3);
        for (var cut = 0; cut < value.Length; cut++)
        {
            Assert.Equal(ScanResult.Incomplete, MsgPackScanner.Scan(new ReadOnlySequence<byte>(value, 0, cut), 1 << 20, 8, out _));
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xdb, 0xff, 0xff, 0xff, 0xff }, (int)ScanResult.TooLarge)]
    [InlineData(new byte[] { 0xc6, 0x00, 0x10, 0x00, 0x01 }, (int)ScanResult.TooLarge)]
    [InlineData(new byte[] { 0xc9, 0x7f, 0xff, 0xff, 0xff, 0x01 }, (int)ScanResult.TooLarge)]
    [InlineData(new byte[] { 0xdf, 0x00, 0x08, 0x00, 0x00 }, (int)ScanResult.TooLarge)]
    [InlineData(new byte[] { 0xdd, 0x80, 0x00, 0x00, 0x00 }, (int)ScanResult.TooLarge)]
    [InlineData(new byte[] { 0x91, 0x91, 0x91, 0x91, 0xc0 }, (int)ScanResult.TooDeep)]
    [InlineData(new byte[] { 0x92, 0xc1, 0x00 }, (int)ScanResult.Malformed)]
    public void Scan_HostileHeader_RejectedBeforeTheBytesCome(byte[] bytes, int expected) =>
        Assert.Equal((ScanResult)expected, MsgPackScanner.Scan(new ReadOnlySequence<byte>(bytes), 1 << 20, 3, out _));

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public void Scan_ValueOfSmallPartsLongerThanTheLimit_TooLarge(int segmentSize)
    {
        var value = Frames.Forward(0, 3000);
        Assert.Equal(ScanResult.TooLarge, MsgPackScanner.Scan(Segments.Split(value, segmentSize), value.Length - 1, 16, out _));
        Assert.Equal(ScanResult.Complete, MsgPackScanner.Scan(Segments.Split(value, segmentSize), value.Length, 16, out var length));
        Assert.Equal(value.Length, length);
    }

    [Fact]
    public void Scan_NestingAtTheLimit_Complete()
    {
        byte[] bytes = [0x91, 0x91, 0x91, 0xc0];
        Assert.Equal(ScanResult.Complete, MsgPackScanner.Scan(new ReadOnlySequence<byte>(bytes), 1 << 20, 3, out var length));
        Assert.Equal(4, length);
    }

    [Fact]
    public void Extract_SameRecordAsNdJsonAndMessagePack_SameView()
    {
        string[] keys = ["user.id", "status", "ok", "price"];
        string[] numbers = ["latency", "status", "user.id", "price"];
        var json = """{"user":{"id":"u-42","tier":"gold"},"status":503,"ok":false,"latency":12.75,"price":-3,"extra":[1,{"a":2}]}""";
        var (ok, _, fromJson) = Extract.Run(json, keys, numbers);
        Assert.True(ok);

        var packed = Frames.Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(6);
            w.Write("user");
            w.WriteMapHeader(2);
            w.Write("id");
            w.Write("u-42");
            w.Write("tier");
            w.Write("gold");
            w.Write("status");
            w.Write(503);
            w.Write("ok");
            w.Write(false);
            w.Write("latency");
            w.Write(12.75);
            w.Write("price");
            w.Write(-3);
            w.Write("extra");
            w.WriteArrayHeader(2);
            w.Write(1);
            w.WriteMapHeader(1);
            w.Write("a");
            w.Write(2);
        });
        var extractor = new ForwardRecordExtractor(FieldTrie.Compile(keys, numbers));
        var reader = new MessagePackReader(packed);
        Assert.True(extractor.TryExtract(ref reader, null, out _));
        var fromMsgPack = ParsedRecord.From(extractor.View(fromJson!.Bytes));

        Assert.Equal(fromJson.KeysPresent, fromMsgPack.KeysPresent);
        Assert.Equal(fromJson.FullHashes, fromMsgPack.FullHashes);
        Assert.Equal(fromJson.KeyTexts, fromMsgPack.KeyTexts);
        Assert.Equal(fromJson.NumbersPresent, fromMsgPack.NumbersPresent);
        Assert.Equal(fromJson.NumbersNotNumeric, fromMsgPack.NumbersNotNumeric);
        Assert.Equal(fromJson.Numbers, fromMsgPack.Numbers);
    }

    [Fact]
    public void Parse_MessagesSplitAcrossSegments_SameRecordsAsWhole()
    {
        var bytes = Frames.Forward(0, 40).Concat(Frames.Message(40)).Concat(Frames.Packed(Frames.Entries(41, 9), asString: true)).ToArray();
        var sink = new RecordingSink();
        var parser = new ForwardMessageParser(new ForwardRecordExtractor(FieldTrie.Compile(["user.id"], ["n"])), sink, new TapMetrics("scan"), 1 << 20, 16, 1000);
        var buffer = Segments.Split(bytes, 13);
        Assert.Equal(ForwardOutcome.NeedMore, parser.Parse(ref buffer, isCompleted: true));
        Assert.True(buffer.IsEmpty);
        Assert.Empty(sink.Errors);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (double)i), sink.Records.Select(r => r.Numbers[0]));
        Assert.Equal(3, parser.Messages);
        Assert.Equal(Extract.Hash("u3"), sink.Records[3].KeyHashes[0]);
    }
}
