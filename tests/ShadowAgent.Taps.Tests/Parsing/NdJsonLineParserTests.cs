using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Parsing;
using ShadowAgent.Taps.Sockets;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Parsing;

public sealed class NdJsonLineParserTests
{
    private static NdJsonLineParser Parser(RecordingSink sink, int maxLineBytes = 1024) =>
        new(new NdJsonFieldExtractor(FieldTrie.Compile(["k"], ["n"])), sink, new TapMetrics("test"), maxLineBytes);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(100_000)]
    public void ParseBatch_LinesAcrossSegments_ParsesEveryLine(int segmentSize)
    {
        var rng = new Random(1234);
        var text = new StringBuilder();
        const int Lines = 200;
        for (var i = 0; i < Lines; i++)
        {
            text.Append("{\"k\":\"").Append(new string('a', rng.Next(0, 80))).Append("\",\"n\":").Append(i).Append(i % 3 == 0 ? "}\r\n" : "}\n");
        }

        var data = Encoding.UTF8.GetBytes(text.ToString());
        var sink = new RecordingSink();
        var buffer = Segments.Split(data, segmentSize);

        Parser(sink).ParseBatch(ref buffer, isCompleted: false);

        Assert.True(buffer.IsEmpty);
        Assert.Equal(Lines, sink.Records.Count);
        Assert.Equal(Enumerable.Range(0, Lines).Select(i => (double)i), sink.Records.Select(r => r.Numbers[0]));
        Assert.Equal(data.Length, sink.TotalBytes);
    }

    [Fact]
    public void ParseBatch_IncompleteTail_IsLeftInBuffer()
    {
        var sink = new RecordingSink();
        var buffer = new ReadOnlySequence<byte>("{\"k\":1}\n{\"k\":"u8.ToArray());

        Parser(sink).ParseBatch(ref buffer, isCompleted: false);

        Assert.Single(sink.Records);
        Assert.Equal("{\"k\":"u8.ToArray(), buffer.ToArray());
    }

    [Fact]
    public void ParseBatch_FinalLineWithoutNewline_IsRecordAtCompletion()
    {
        var sink = new RecordingSink();
        var buffer = new ReadOnlySequence<byte>("{\"k\":1}\n{\"k\":2}"u8.ToArray());

        Parser(sink).ParseBatch(ref buffer, isCompleted: true);

        Assert.Equal(2, sink.Records.Count);
        Assert.Equal(7, sink.Records[1].Bytes);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void ParseBatch_EmptyLines_AreIgnored()
    {
        var sink = new RecordingSink();
        var buffer = new ReadOnlySequence<byte>("\n\r\n{\"k\":1}\n\n\r\n"u8.ToArray());

        Parser(sink).ParseBatch(ref buffer, isCompleted: true);

        Assert.Single(sink.Records);
        Assert.Empty(sink.Errors);
        Assert.Equal(1, sink.Batches);
    }

    [Fact]
    public void ParseBatch_LineJustAtAndOverLimit_OnlyLongerIsOversize()
    {
        const int Max = 100;
        var atLimit = "{\"k\":\"" + new string('a', Max - 8) + "\"}";
        var overLimit = "{\"k\":\"" + new string('a', Max - 7) + "\"}";
        Assert.Equal(Max, atLimit.Length);
        foreach (var segmentSize in new[] { 3, 1000 })
        {
            var sink = new RecordingSink();
            var buffer = Segments.Split(Encoding.UTF8.GetBytes(atLimit + "\r\n" + overLimit + "\n" + overLimit), segmentSize);

            Parser(sink, Max).ParseBatch(ref buffer, isCompleted: true);

            Assert.Single(sink.Records);
            Assert.Equal(Max + 2, sink.Records[0].Bytes);
            Assert.Equal([(RecordError.Oversize, Max + 2), (RecordError.Oversize, Max + 1)], sink.Errors);
        }
    }

    [Fact]
    public async Task ParseBatch_TenMegabyteLine_NeverBuffersMoreThanTheLimit()
    {
        const int Max = 64 * 1024;
        const int Chunk = 16 * 1024;
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var sink = new RecordingSink();
        var parser = Parser(sink, Max);
        var junk = new byte[Chunk];
        Array.Fill(junk, (byte)'x');
        long maxHeld = 0;

        async Task PumpAsync(bool complete)
        {
            if (complete)
            {
                await pipe.Writer.CompleteAsync();
            }
            else
            {
                await pipe.Writer.FlushAsync();
            }

            var result = await pipe.Reader.ReadAsync();
            var buffer = result.Buffer;
            parser.ParseBatch(ref buffer, result.IsCompleted);
            maxHeld = Math.Max(maxHeld, buffer.Length);
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        pipe.Writer.Write("{\"k\":1}\n"u8);
        for (var written = 0; written < 10 * 1024 * 1024; written += Chunk)
        {
            pipe.Writer.Write(junk);
            await PumpAsync(complete: false);
        }

        pipe.Writer.Write("\n{\"k\":2}\n"u8);
        await PumpAsync(complete: true);

        Assert.True(maxHeld <= Max + 1 + Chunk, $"held {maxHeld} bytes");
        Assert.Equal(2, sink.Records.Count);
        Assert.Equal([(RecordError.Oversize, (10 * 1024 * 1024) + 1)], sink.Errors);
    }

    [Fact]
    public void ParseBatch_OversizeLineUnterminatedAtEnd_CountsOnce()
    {
        var sink = new RecordingSink();
        var parser = Parser(sink, 64);
        var buffer = new ReadOnlySequence<byte>(new byte[200]);

        parser.ParseBatch(ref buffer, isCompleted: false);
        var rest = new ReadOnlySequence<byte>(new byte[50]);
        parser.ParseBatch(ref rest, isCompleted: true);

        Assert.Equal([(RecordError.Oversize, 250)], sink.Errors);
    }

    [Fact]
    public void ParseBatch_MixedErrors_EachLineCountedOnce()
    {
        var sink = new RecordingSink();
        byte[] data = [.. "{\"k\":1}\n{\"k\":\n"u8, .. "{\"k\":\""u8, 0xFE, .. "\"}\n[1]\n"u8];
        var buffer = new ReadOnlySequence<byte>(data);

        Parser(sink).ParseBatch(ref buffer, isCompleted: true);

        Assert.Single(sink.Records);
        Assert.Equal([RecordError.Malformed, RecordError.InvalidUtf8, RecordError.Malformed], sink.Errors.Select(e => e.Error));
        Assert.Equal(data.Length, sink.TotalBytes);
        Assert.Equal(0, sink.ProtocolViolations);
    }

    [Fact]
    public void Abandon_BufferedLines_CountedAsDroppedWithPartialTail()
    {
        var sink = new RecordingSink();
        var buffer = new ReadOnlySequence<byte>("{\"k\":1}\n{\"k\":2}\n{\"k\""u8.ToArray());

        Parser(sink).Abandon(ref buffer);

        Assert.Equal(3, sink.DroppedRecords);
        Assert.Equal(20, sink.DroppedBytes);
        Assert.True(buffer.IsEmpty);
    }
}
