using System.Text;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Parsing;
using static ShadowAgent.Taps.Tests.Support.Extract;

namespace ShadowAgent.Taps.Tests.Parsing;

/// <summary>The event time the extractor reads from a record's configured field.</summary>
public sealed class NdJsonFieldExtractorEventTimeTests
{
    // 2025-01-01T00:00:00Z.
    private const long T0 = 1_735_689_600_000;

    [Theory]
    [InlineData("\"2025-01-01T00:00:00Z\"", T0)]
    [InlineData("\"2025-01-01T00:00:00.123Z\"", T0 + 123)]
    [InlineData("\"2025-01-01T00:00:00.1239999Z\"", T0 + 123)]
    [InlineData("\"2025-01-01T02:30:00+02:30\"", T0)]
    [InlineData("\"2024-12-31T19:00:00-0500\"", T0)]
    [InlineData("\"2025-01-01 00:00:00.5z\"", T0 + 500)]
    [InlineData("\"2025-01-01T00:00:00\\u005A\"", T0)]
    [InlineData("1735689600", T0)]
    [InlineData("1735689600.25", T0 + 250)]
    [InlineData("1735689600123", T0 + 123)]
    [InlineData("1735689600123456", T0 + 123)]
    [InlineData("1735689600123456789", T0 + 123)]
    [InlineData("1.7356896e9", T0)]
    [InlineData("\"1735689600\"", T0)]
    public void TryExtract_Auto_TimePresentWithItsUnixMilliseconds(string json, long expected)
    {
        var (ok, _, r) = Run("{\"ts\":" + json + ",\"k\":\"a\"}", ["k"], [], "ts");

        Assert.True(ok);
        Assert.Equal(EventTimeState.Present, r!.EventTime);
        Assert.Equal(expected, r.EventTimeUnixMs);
        Assert.Equal(1UL, r.KeysPresent);
    }

    [Theory]
    [InlineData("1735689600", EventTimeFormat.UnixSeconds, T0)]
    [InlineData("1735689600123", EventTimeFormat.UnixMilliseconds, T0 + 123)]
    [InlineData("1735689600123000", EventTimeFormat.UnixMicroseconds, T0 + 123)]
    [InlineData("1735689600123000000", EventTimeFormat.UnixNanoseconds, T0 + 123)]
    [InlineData("\"2025-01-01T00:00:00.001Z\"", EventTimeFormat.Rfc3339, T0 + 1)]
    [InlineData("1735689600", EventTimeFormat.UnixMilliseconds, 1_735_689_600)]
    public void TryExtract_ExplicitFormat_ReadInThatUnit(string json, EventTimeFormat format, long expected)
    {
        var (ok, _, r) = Run("{\"ts\":" + json + "}", [], [], "ts", format);

        Assert.True(ok);
        Assert.Equal(EventTimeState.Present, r!.EventTime);
        Assert.Equal(expected, r.EventTimeUnixMs);
    }

    [Theory]
    [InlineData("""{"k":"a"}""")]
    [InlineData("""{"ts":null}""")]
    [InlineData("""{"ts":"yesterday"}""")]
    [InlineData("""{"ts":"2025-01-01T00:00:00"}""")]
    [InlineData("""{"ts":"2025-02-30T00:00:00Z"}""")]
    [InlineData("""{"ts":""}""")]
    [InlineData("""{"ts":true}""")]
    [InlineData("""{"ts":{"s":1735689600}}""")]
    [InlineData("""{"ts":[1735689600]}""")]
    [InlineData("""{"ts":-1e300}""")]
    [InlineData("""{"ts":null,"ts":1735689600}""")]
    [InlineData("""{"meta":{"ts":1735689600}}""")]
    public void TryExtract_AbsentNullOrUnreadable_TimeMissingAndRecordStillParsed(string line)
    {
        var (ok, _, r) = Run(line, ["k"], [], "ts");

        Assert.True(ok);
        Assert.Equal(EventTimeState.Missing, r!.EventTime);
    }

    [Theory]
    [InlineData("1735689600", EventTimeFormat.Rfc3339)]
    [InlineData("\"2025-01-01T00:00:00Z\"", EventTimeFormat.UnixSeconds)]
    public void TryExtract_ValueNotInTheConfiguredFormat_TimeMissing(string json, EventTimeFormat format)
    {
        var (ok, _, r) = Run("{\"ts\":" + json + "}", [], [], "ts", format);

        Assert.True(ok);
        Assert.Equal(EventTimeState.Missing, r!.EventTime);
    }

    [Fact]
    public void TryExtract_NoTimeField_NotConfigured()
    {
        var (ok, _, r) = Run("""{"ts":1735689600}""", [], []);

        Assert.True(ok);
        Assert.Equal(EventTimeState.NotConfigured, r!.EventTime);
    }

    [Fact]
    public void TryExtract_NestedTimeField_ReadAtItsPath()
    {
        var (ok, _, r) = Run("""{"ts":1,"meta":{"x":[1,{"ts":2}],"ts":"2025-01-01T00:00:01Z"}}""", [], [], "meta.ts");

        Assert.True(ok);
        Assert.Equal(EventTimeState.Present, r!.EventTime);
        Assert.Equal(T0 + 1000, r.EventTimeUnixMs);
    }

    [Fact]
    public void TryExtract_TimeFieldAlsoAKeyAndANumber_AllThreeRead()
    {
        var (ok, _, r) = Run("""{"route":"/a","ts":1735689600.5}""", ["route", "ts"], ["ts"], "ts");

        Assert.True(ok);
        Assert.Equal(EventTimeState.Present, r!.EventTime);
        Assert.Equal(T0 + 500, r.EventTimeUnixMs);
        Assert.Equal(0b11UL, r.KeysPresent);
        Assert.Equal(Hash("1735689600.5"), r.KeyHashes[1]);
        Assert.Equal("1735689600.5", r.KeyTexts[1]);
        Assert.Equal(1UL, r.NumbersPresent);
        Assert.Equal(1735689600.5, r.Numbers[0]);
    }

    [Fact]
    public void TryExtract_StringTimeFieldAlsoAKey_TimeAndKeyTextFromTheSameValue()
    {
        var (ok, _, r) = Run("""{"ts":"2025-01-01T00:00:00.250\u005a"}""", ["ts"], ["ts"], "ts");

        Assert.True(ok);
        Assert.Equal(T0 + 250, r!.EventTimeUnixMs);
        Assert.Equal("2025-01-01T00:00:00.250Z", r.KeyTexts[0]);
        var (h1, h2) = MurmurHash3.Hash128(Encoding.UTF8.GetBytes("2025-01-01T00:00:00.250Z"), KeyHash.DataSketchesSeed);
        Assert.Equal(new KeyHash128(h1, h2), r.FullHashes[0]);
        Assert.Equal(1UL, r.NumbersNotNumeric);
    }

    [Fact]
    public void TryExtract_RecordWithoutTimeAfterOneWithIt_Missing()
    {
        var extractor = new NdJsonFieldExtractor(FieldTrie.Compile([], [], "ts"));
        Assert.Equal(EventTimeState.Present, Run(extractor, """{"ts":1735689600}""").Record!.EventTime);

        var (ok, _, r) = Run(extractor, """{"other":1}""");

        Assert.True(ok);
        Assert.Equal(EventTimeState.Missing, r!.EventTime);
    }

    [Theory]
    [InlineData("""{"k":"\ud800"}""")]
    [InlineData("""{"k":"a\udc00b"}""")]
    [InlineData("""{"ts":"\ud800"}""")]
    [InlineData("""{"\ud800":1,"k":"x"}""")]
    public void TryExtract_LoneSurrogateEscapeWhereTextIsRead_MalformedAndTheNextRecordReads(string line)
    {
        var extractor = new NdJsonFieldExtractor(FieldTrie.Compile(["k"], [], "ts"));

        var (ok, error, _) = Run(extractor, line);

        Assert.False(ok);
        Assert.Equal(RecordError.Malformed, error);
        var (next, _, r) = Run(extractor, """{"k":"fine","ts":1735689600}""");
        Assert.True(next);
        Assert.Equal("fine", r!.KeyTexts[0]);
        Assert.Equal(T0, r.EventTimeUnixMs);
    }

    [Fact]
    public void TryExtract_LoneSurrogateInANameWhileRecordingShapes_MalformedNotThrown()
    {
        var shape = new ShapeRecorder();
        var extractor = new NdJsonFieldExtractor(FieldTrie.Compile(["k"], []), shape);

        var (ok, error, _) = Run(extractor, """{"x\udfff":1}""");

        Assert.False(ok);
        Assert.Equal(RecordError.Malformed, error);
        Assert.True(Run(extractor, """{"k":"a"}""").Ok);
        Assert.Equal(1, shape.Records);
    }

    [Fact]
    public void TryExtract_LoneSurrogateInAValueNothingReads_Parsed()
    {
        var (ok, _, r) = Run("""{"other":"\ud800","k":"a"}""", ["k"], []);

        Assert.True(ok);
        Assert.Equal("a", r!.KeyTexts[0]);
    }
}
