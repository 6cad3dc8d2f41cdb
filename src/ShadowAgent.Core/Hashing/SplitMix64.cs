namespace ShadowAgent.Core.Hashing;

/// <summary>SplitMix64's output finalizer (Steele, Lea and Flood 2014): a fast bijective 64-bit mix.</summary>
public static class SplitMix64
{
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
