namespace ShadowAgent.Core.Hashing;

/// <summary>
/// The hash of a key value as the shadow uses it: the first 64 bits of MurmurHash3 x64 128 with
/// DataSketches' default seed 9001, over the value's UTF-8 bytes (a JSON string's unescaped content, or
/// the literal text of a number or boolean).
/// </summary>
public static class KeyHash
{
    public const ulong DataSketchesSeed = 9001;

    public static ulong Of(ReadOnlySpan<byte> utf8) => MurmurHash3.Hash128(utf8, DataSketchesSeed).H1;
}
