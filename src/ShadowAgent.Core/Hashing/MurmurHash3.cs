using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ShadowAgent.Core.Hashing;

/// <summary>
/// MurmurHash3 x64 128-bit (Austin Appleby, public domain reference <c>MurmurHash3_x64_128</c>).
/// It is the hash Apache DataSketches applies to items, so sketches built on our key hashes stay
/// compatible with sketches built by DataSketches from the same values.
/// </summary>
public static class MurmurHash3
{
    private const ulong C1 = 0x87c37b91114253d5UL;
    private const ulong C2 = 0x4cf5ad432745937fUL;

    public static (ulong H1, ulong H2) Hash128(ReadOnlySpan<byte> data, ulong seed)
    {
        var h1 = seed;
        var h2 = seed;
        var blocks = data.Length / 16;
        for (var i = 0; i < blocks; i++)
        {
            var k1 = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i * 16));
            var k2 = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice((i * 16) + 8));
            h1 ^= MixK1(k1);
            h1 = BitOperations.RotateLeft(h1, 27) + h2;
            h1 = (h1 * 5) + 0x52dce729;
            h2 ^= MixK2(k2);
            h2 = BitOperations.RotateLeft(h2, 31) + h1;
            h2 = (h2 * 5) + 0x38495ab5;
        }

        var tail = data.Slice(blocks * 16);
        if (tail.Length > 8)
        {
            h2 ^= MixK2(ReadPartial(tail.Slice(8)));
        }

        if (tail.Length > 0)
        {
            h1 ^= MixK1(ReadPartial(tail.Length > 8 ? tail.Slice(0, 8) : tail));
        }

        h1 ^= (ulong)data.Length;
        h2 ^= (ulong)data.Length;
        h1 += h2;
        h2 += h1;
        h1 = FMix(h1);
        h2 = FMix(h2);
        h1 += h2;
        h2 += h1;
        return (h1, h2);
    }

    /// <summary>
    /// The 1-8 bytes as a little-endian integer, read with overlapping loads instead of a byte loop (keys
    /// are mostly short, so the tail is most of the work).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadPartial(ReadOnlySpan<byte> bytes)
    {
        var n = bytes.Length;
        if (n == 8)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        }

        if (n >= 4)
        {
            // Both loads cover the middle bytes; OR-ing identical bits is harmless.
            ulong low = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            ulong high = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(n - 4));
            return low | (high << (8 * (n - 4)));
        }

        return bytes[0] | ((ulong)bytes[n >> 1] << (8 * (n >> 1))) | ((ulong)bytes[n - 1] << (8 * (n - 1)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MixK1(ulong k1) => BitOperations.RotateLeft(k1 * C1, 31) * C2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MixK2(ulong k2) => BitOperations.RotateLeft(k2 * C2, 33) * C1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FMix(ulong k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53UL;
        k ^= k >> 33;
        return k;
    }
}
