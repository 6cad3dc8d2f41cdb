using System.Buffers.Binary;
using System.Numerics;

namespace ShadowAgent.Taps.Parsing;

/// <summary>
/// 64-bit hashes of field paths, built one segment at a time: a child's hash is one multiply-rotate pass
/// over its name's UTF-8 bytes seeded with the parent's hash, finished with MurmurHash3's fmix64 (Appleby,
/// "MurmurHash3", 2011). A pure function of the path, so every connection, host and process agrees on it;
/// not keyed, so crafted names can collide (the shape table's probe length is bounded regardless).
/// </summary>
internal static class PathHash
{
    /// <summary>The record's own object.</summary>
    public const ulong Root = 0x9E3779B97F4A7C15;

    private const ulong C1 = 0x87C37B91114253D5;
    private const ulong C2 = 0x4CF5AD432745937F;
    private const ulong ArrayMarker = 0x2545F4914F6CDD1D;

    public static ulong Child(ulong parent, ReadOnlySpan<byte> name)
    {
        var h = parent ^ ((ulong)name.Length * C2);
        while (name.Length >= 8)
        {
            h = Round(h, BinaryPrimitives.ReadUInt64LittleEndian(name));
            name = name[8..];
        }

        if (!name.IsEmpty)
        {
            ulong tail = 0;
            for (var i = name.Length - 1; i >= 0; i--)
            {
                tail = (tail << 8) | name[i];
            }

            h = Round(h, tail);
        }

        return Fmix(h);
    }

    /// <summary>The path shared by every element of the array at <paramref name="array"/> ("a[]").</summary>
    public static ulong Element(ulong array) => Fmix(array ^ ArrayMarker);

    private static ulong Round(ulong h, ulong chunk)
    {
        chunk *= C1;
        chunk = BitOperations.RotateLeft(chunk, 31);
        chunk *= C2;
        h ^= chunk;
        return (BitOperations.RotateLeft(h, 27) * 5) + 0x52DCE729;
    }

    private static ulong Fmix(ulong k)
    {
        k ^= k >> 33;
        k *= 0xFF51AFD7ED558CCD;
        k ^= k >> 33;
        k *= 0xC4CEB9FE1A85EC53;
        k ^= k >> 33;
        return k;
    }
}
