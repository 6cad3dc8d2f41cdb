using System.Text;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Records;
using ShadowAgent.Taps.Parsing;
using static ShadowAgent.Taps.Tests.Support.Extract;

namespace ShadowAgent.Taps.Tests.Parsing;

/// <summary>Key values as the shadow gets them: both halves of the DataSketches hash, and the start of the text.</summary>
public sealed class NdJsonFieldExtractorKeyTextTests
{
    private static KeyHash128 Murmur(string value)
    {
        var (h1, h2) = MurmurHash3.Hash128(Encoding.UTF8.GetBytes(value), 9001);
        return new KeyHash128(h1, h2);
    }

    private static NdJsonFieldExtractor Extractor(params string[] keys) => new(FieldTrie.Compile(keys, []));

    [Theory]
    [InlineData("""{"k":"u-42"}""", "u-42")]
    [InlineData("""{"k":""}""", "")]
    [InlineData("""{"k":"exactly sixteen!"}""", "exactly sixteen!")]
    [InlineData("""{"k":-12.50e3}""", "-12.50e3")]
    [InlineData("""{"k":true}""", "true")]
    [InlineData("""{"k":"caf\u00e9 \/ \"q\" \t"}""", "café / \"q\" \t")]
    [InlineData("""{"k":"\ud83d\ude00"}""", "\U0001F600")]
    public void TryExtract_KeyValue_BothHashHalvesAreMurmur3WithSeed9001AndTextIsTheValue(string line, string value)
    {
        var (ok, _, r) = Run(line, ["k"], []);

        Assert.True(ok);
        Assert.Equal(1UL, r!.KeysPresent);
        Assert.Equal(Murmur(value), r.FullHashes[0]);
        Assert.Equal(Murmur(value).H1, r.KeyHashes[0]);
        Assert.Equal(value, r.KeyTexts[0]);
    }

    [Theory]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(300)]
    [InlineData(5000)]
    public void TryExtract_LongValue_HashOfWholeValueAndTextCutAt64Bytes(int length)
    {
        var value = string.Concat(Enumerable.Range(0, length).Select(i => (char)('a' + (i % 26))));

        var (ok, _, r) = Run("{\"k\":\"" + value + "\"}", ["k"], []);

        Assert.True(ok);
        Assert.Equal(Murmur(value), r!.FullHashes[0]);
        Assert.Equal(value[..Math.Min(length, RecordView.MaxKeyTextBytes)], r.KeyTexts[0]);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(400)]
    public void TryExtract_LongEscapedValue_TextIsTheUnescapedStartCutAt64Bytes(int length)
    {
        // Escapes in the kept part and beyond it; longer than the stack buffer for 400.
        var value = string.Concat(Enumerable.Range(0, length).Select(i => i % 10 == 0 ? "\"" : "x"));
        var escaped = value.Replace("\"", "\\\"", StringComparison.Ordinal);

        var (ok, _, r) = Run("{\"k\":\"" + escaped + "\"}", ["k"], []);

        Assert.True(ok);
        Assert.Equal(Murmur(value), r!.FullHashes[0]);
        Assert.Equal(value[..64], r.KeyTexts[0]);
    }

    [Theory]
    [InlineData(63, "é", 63)]
    [InlineData(62, "é", 64)]
    [InlineData(61, "\U0001F600", 61)]
    [InlineData(60, "\U0001F600", 64)]
    [InlineData(62, "€", 62)]
    public void TryExtract_MultiByteCharacterAcrossTheCut_TextEndsBeforeIt(int asciiBefore, string character, int keptBytes)
    {
        var value = new string('a', asciiBefore) + character + "tail";

        var (ok, _, r) = Run("{\"k\":\"" + value + "\"}", ["k"], []);

        Assert.True(ok);
        Assert.Equal(Murmur(value), r!.FullHashes[0]);
        Assert.Equal(keptBytes, Encoding.UTF8.GetByteCount(r.KeyTexts[0]));
        Assert.StartsWith(r.KeyTexts[0], value, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', r.KeyTexts[0]);
    }

    [Fact]
    public void TryExtract_SeveralKeys_EachTextInItsOwnPlace()
    {
        var (ok, _, r) = Run("""{"b":"second","a":{"x":"first"},"c":7}""", ["a.x", "b", "c", "d"], []);

        Assert.True(ok);
        Assert.Equal(0b0111UL, r!.KeysPresent);
        Assert.Equal(["first", "second", "7", ""], r.KeyTexts);
        Assert.Equal([Murmur("first"), Murmur("second"), Murmur("7")], r.FullHashes[..3]);
    }

    [Fact]
    public void TryExtract_KeyAbsentAfterARecordThatHadIt_NoTextLeftFromBefore()
    {
        var extractor = Extractor("k", "j");
        Assert.True(Run(extractor, """{"k":"earlier","j":"x"}""").Ok);

        var (ok, _, r) = Run(extractor, """{"j":"y","k":null}""");

        Assert.True(ok);
        Assert.Equal(0b10UL, r!.KeysPresent);
        Assert.Equal(["", "y"], r.KeyTexts);
    }

    [Fact]
    public void TryExtract_DuplicateKey_TextOfTheFirstOccurrence()
    {
        var (ok, _, r) = Run("""{"k":"first","k":"second"}""", ["k"], []);

        Assert.True(ok);
        Assert.Equal("first", r!.KeyTexts[0]);
        Assert.Equal(Murmur("first"), r.FullHashes[0]);
    }
}
