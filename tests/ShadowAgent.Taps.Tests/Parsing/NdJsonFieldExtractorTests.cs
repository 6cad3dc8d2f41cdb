using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Tests.Support;
using static ShadowAgent.Taps.Tests.Support.Extract;

namespace ShadowAgent.Taps.Tests.Parsing;

public sealed class NdJsonFieldExtractorTests
{
    private static readonly string[] UserRoute = ["user.id", "route"];
    private static readonly string[] Latency = ["latency_ms"];

    [Fact]
    public void TryExtract_NestedPaths_HashesKeysAndReadsNumbers()
    {
        var (ok, _, r) = Run("""{"ts":1,"user":{"name":"x","id":"u-42"},"route":"/a","latency_ms":12.5}""", UserRoute, Latency);

        Assert.True(ok);
        Assert.Equal(0b11UL, r!.KeysPresent);
        Assert.Equal(Hash("u-42"), r.KeyHashes[0]);
        Assert.Equal(Hash("/a"), r.KeyHashes[1]);
        Assert.Equal(1UL, r.NumbersPresent);
        Assert.Equal(0UL, r.NumbersNotNumeric);
        Assert.Equal(12.5, r.Numbers[0]);
    }

    [Fact]
    public void TryExtract_EscapedString_HashesUnescapedContent()
    {
        var (ok, _, r) = Run("""{"route":"\/a\u00e9\n\"q\""}""", ["route"], []);

        Assert.True(ok);
        Assert.Equal(Hash("/a\u00e9\n\"q\""), r!.KeyHashes[0]);
    }

    [Fact]
    public void TryExtract_LongEscapedString_HashesUnescapedContent()
    {
        var value = new string('x', 1000) + "\u00e9" + new string('y', 1000);
        var (ok, _, r) = Run("{\"route\":\"" + value.Replace("\u00e9", "\\u00e9", StringComparison.Ordinal) + "\"}", ["route"], []);

        Assert.True(ok);
        Assert.Equal(Hash(value), r!.KeyHashes[0]);
    }

    [Fact]
    public void TryExtract_EscapedPropertyName_MatchesPath()
    {
        var (ok, _, r) = Run("""{"u\u0073er":{"id":"7"}}""", ["user.id"], []);

        Assert.True(ok);
        Assert.Equal(Hash("7"), r!.KeyHashes[0]);
    }

    [Fact]
    public void TryExtract_NumbersAndBoolsAsKeys_HashLiteralText()
    {
        var (ok, _, r) = Run("""{"a":1.50,"b":true,"c":false,"d":-3e2}""", ["a", "b", "c", "d"], []);

        Assert.True(ok);
        Assert.Equal(0b1111UL, r!.KeysPresent);
        Assert.Equal(Hash("1.50"), r.KeyHashes[0]);
        Assert.Equal(Hash("true"), r.KeyHashes[1]);
        Assert.Equal(Hash("false"), r.KeyHashes[2]);
        Assert.Equal(Hash("-3e2"), r.KeyHashes[3]);
    }

    [Fact]
    public void TryExtract_AbsentAndNull_ClearPresenceBits()
    {
        var (ok, _, r) = Run("""{"route":null,"user":{},"latency_ms":null}""", UserRoute, Latency);

        Assert.True(ok);
        Assert.Equal(0UL, r!.KeysPresent);
        Assert.Equal(0UL, r.NumbersPresent);
        Assert.Equal(0UL, r.NumbersNotNumeric);
    }

    [Fact]
    public void TryExtract_NonNumbers_AreMarkedNotNumeric()
    {
        var (ok, _, r) = Run("""{"a":"12","b":true,"c":{"x":1},"d":[1,2],"e":7}""", [], ["a", "b", "c", "d", "e"]);

        Assert.True(ok);
        Assert.Equal(0b11111UL, r!.NumbersPresent);
        Assert.Equal(0b01111UL, r.NumbersNotNumeric);
        Assert.Equal(7, r.Numbers[4]);
    }

    [Fact]
    public void TryExtract_ObjectAsKey_IsAbsent()
    {
        var (ok, _, r) = Run("""{"user":{"id":"1"},"route":["x"]}""", ["user", "route", "user.id"], []);

        Assert.True(ok);
        Assert.Equal(0b100UL, r!.KeysPresent);
        Assert.Equal(Hash("1"), r.KeyHashes[2]);
    }

    [Fact]
    public void TryExtract_SamePathKeyAndNumeric_FilledIndependently()
    {
        var (ok, _, r) = Run("""{"status":503}""", ["status"], ["status"]);

        Assert.True(ok);
        Assert.Equal(Hash("503"), r!.KeyHashes[0]);
        Assert.Equal(503, r.Numbers[0]);
    }

    [Fact]
    public void TryExtract_DuplicateProperties_FirstOccurrenceWins()
    {
        var (ok, _, r) = Run("""{"route":"a","latency_ms":1,"route":"b","latency_ms":2,"user":{"id":"x"},"user":{"id":"y"}}""", UserRoute, Latency);

        Assert.True(ok);
        Assert.Equal(Hash("x"), r!.KeyHashes[0]);
        Assert.Equal(Hash("a"), r.KeyHashes[1]);
        Assert.Equal(1, r.Numbers[0]);
    }

    [Fact]
    public void TryExtract_WhitespaceAndCarriageReturn_Accepted()
    {
        var (ok, _, r) = Run(" \t{ \"route\" : \"a\" , \"x\" : [ 1 , { \"route\": \"z\" } ] }  \r", ["route"], []);

        Assert.True(ok);
        Assert.Equal(Hash("a"), r!.KeyHashes[0]);
    }

    [Fact]
    public void TryExtract_DeeplyNestedUnconfiguredValue_IsReadWhole()
    {
        var (ok, _, r) = Run("""{"x":{"y":{"z":[{"route":"no"}]}},"route":"yes"}""", ["route"], []);

        Assert.True(ok);
        Assert.Equal(Hash("yes"), r!.KeyHashes[0]);
    }

    [Theory]
    [InlineData("""{"route":"a" """)]
    [InlineData("""{"route":"a"}{"route":"b"}""")]
    [InlineData("""{"route":"a"} x""")]
    [InlineData("""{"route":"a"},""")]
    [InlineData("""["route","a"]""")]
    [InlineData("\"route\"")]
    [InlineData("42")]
    [InlineData("   ")]
    [InlineData("""{"route":"a",}""")]
    [InlineData("""{"route":"a" /* c */}""")]
    [InlineData("""{"x":[1,2}""")]
    [InlineData("""{"x":tru}""")]
    [InlineData("{\"x\":\"a\tb\"}")]
    public void TryExtract_NotOneJsonObject_IsMalformed(string line)
    {
        var (ok, error, _) = Run(line, ["route"], []);

        Assert.False(ok);
        Assert.Equal(RecordError.Malformed, error);
    }

    [Fact]
    public void TryExtract_TooDeep_IsMalformed()
    {
        var line = new string('[', 70) + new string(']', 70);
        var (ok, error, _) = Run("{\"x\":" + line + "}", ["route"], []);

        Assert.False(ok);
        Assert.Equal(RecordError.Malformed, error);
    }

    [Fact]
    public void TryExtract_InvalidUtf8InValue_IsInvalidUtf8()
    {
        byte[] line = [.. "{\"route\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        var (ok, error, _) = Run(line, ["route"], []);

        Assert.False(ok);
        Assert.Equal(RecordError.InvalidUtf8, error);
    }

    [Fact]
    public void TryExtract_InvalidUtf8InPropertyName_IsInvalidUtf8()
    {
        byte[] line = [.. "{\"ro"u8, 0xFF, .. "ute\":1}"u8];

        var (ok, error, _) = Run(line, [], []);

        Assert.False(ok);
        Assert.Equal(RecordError.InvalidUtf8, error);
    }

    [Fact]
    public void TryExtract_AfterMalformedRecord_StartsClean()
    {
        var extractor = new ShadowAgent.Taps.Parsing.NdJsonFieldExtractor(ShadowAgent.Taps.Parsing.FieldTrie.Compile(["route"], []));
        Assert.False(extractor.TryExtract("{\"route\":\"a\","u8, out _));

        Assert.True(extractor.TryExtract("""{"other":1}"""u8, out _));
        Assert.Equal(0UL, extractor.View(1).KeysPresent);
    }
}
