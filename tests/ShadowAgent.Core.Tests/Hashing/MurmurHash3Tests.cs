using System.Text;
using ShadowAgent.Core.Hashing;

namespace ShadowAgent.Core.Tests.Hashing;

public sealed class MurmurHash3Tests
{
    // Published reference values of MurmurHash3_x64_128 (seed 0): the empty input, the mmh3 package's
    // documented hash64("foo"), and the well-known digest of the quick-brown-fox sentence.
    [Theory]
    [InlineData("", 0x0000000000000000UL, 0x0000000000000000UL)]
    [InlineData("foo", unchecked((ulong)-2129773440516405919L), 9128664383759220103UL)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0xe34bbc7bbc071b6cUL, 0x7a433ca9c49a9347UL)]
    public void Hash128_ReferenceVectors_Match(string text, ulong h1, ulong h2)
    {
        var (a, b) = MurmurHash3.Hash128(Encoding.UTF8.GetBytes(text), 0);
        Assert.Equal(h1, a);
        Assert.Equal(h2, b);
    }

    [Fact]
    public void Hash128_EveryTailLength_DiffersAndIsStable()
    {
        // Lengths 0..33 cover every tail case (0-15 bytes after the 16-byte blocks) twice.
        var data = Enumerable.Range(0, 33).Select(i => (byte)(i * 37 + 11)).ToArray();
        var seen = new HashSet<(ulong, ulong)>();
        for (var length = 0; length <= data.Length; length++)
        {
            var first = MurmurHash3.Hash128(data.AsSpan(0, length), 9001);
            var again = MurmurHash3.Hash128(data.AsSpan(0, length).ToArray(), 9001);
            Assert.Equal(first, again);
            Assert.True(seen.Add(first), $"length {length} collided");
        }
    }

    [Fact]
    public void KeyHash_UsesDataSketchesSeed()
    {
        var bytes = Encoding.UTF8.GetBytes("user-42");
        Assert.Equal(MurmurHash3.Hash128(bytes, 9001).H1, KeyHash.Of(bytes));
        Assert.NotEqual(MurmurHash3.Hash128(bytes, 0).H1, KeyHash.Of(bytes));
    }
}
