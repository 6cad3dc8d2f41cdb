namespace ShadowAgent.Core.Hashing;

/// <summary>
/// The hash of a key value as the shadow uses it: MurmurHash3 x64 128 with DataSketches' default seed 9001,
/// over the value's UTF-8 bytes (a JSON string's unescaped content, or the literal text of a number or
/// boolean). Both halves feed HyperLogLog as DataSketches does; the first half identifies the value in the
/// frequent-items sketch and in sampling.
/// </summary>
public static class KeyHash
{
    public const ulong DataSketchesSeed = 9001;

    public static ulong Of(ReadOnlySpan<byte> utf8) => MurmurHash3.Hash128(utf8, DataSketchesSeed).H1;

    public static KeyHash128 Of128(ReadOnlySpan<byte> utf8)
    {
        var (h1, h2) = MurmurHash3.Hash128(utf8, DataSketchesSeed);
        return new KeyHash128(h1, h2);
    }
}

/// <summary>The two 64-bit halves of a key's MurmurHash3 x64 128.</summary>
public readonly record struct KeyHash128(ulong H1, ulong H2);
