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

    [Fact]
    public void Hash128_AllLengths_MatchByteLoopReference()
    {
        var random = new Random(42);
        for (var length = 0; length <= 64; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Reference(data, 9001), MurmurHash3.Hash128(data, 9001));
        }
    }

    // The reference algorithm written the plain way (byte loop for the tail), to check the word-wise tail.
    private static (ulong, ulong) Reference(byte[] data, ulong seed)
    {
        const ulong c1 = 0x87c37b91114253d5UL, c2 = 0x4cf5ad432745937fUL;
        static ulong Rotl(ulong x, int r) => (x << r) | (x >> (64 - r));
        static ulong Fmix(ulong k)
        {
            k ^= k >> 33; k *= 0xff51afd7ed558ccdUL; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53UL; k ^= k >> 33;
            return k;
        }

        ulong h1 = seed, h2 = seed;
        var blocks = data.Length / 16;
        for (var i = 0; i < blocks; i++)
        {
            var k1 = BitConverter.ToUInt64(data, i * 16);
            var k2 = BitConverter.ToUInt64(data, i * 16 + 8);
            k1 *= c1; k1 = Rotl(k1, 31); k1 *= c2; h1 ^= k1;
            h1 = Rotl(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
            k2 *= c2; k2 = Rotl(k2, 33); k2 *= c1; h2 ^= k2;
            h2 = Rotl(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
        }

        ulong t1 = 0, t2 = 0;
        var tail = blocks * 16;
        var rest = data.Length & 15;
        for (var j = rest - 1; j >= 8; j--)
        {
            t2 ^= (ulong)data[tail + j] << ((j - 8) * 8);
        }

        if (rest > 8)
        {
            t2 *= c2; t2 = Rotl(t2, 33); t2 *= c1; h2 ^= t2;
        }

        for (var j = Math.Min(rest, 8) - 1; j >= 0; j--)
        {
            t1 ^= (ulong)data[tail + j] << (j * 8);
        }

        if (rest > 0)
        {
            t1 *= c1; t1 = Rotl(t1, 31); t1 *= c2; h1 ^= t1;
        }

        h1 ^= (ulong)data.Length; h2 ^= (ulong)data.Length;
        h1 += h2; h2 += h1;
        h1 = Fmix(h1); h2 = Fmix(h2);
        h1 += h2; h2 += h1;
        return (h1, h2);
    }
}
