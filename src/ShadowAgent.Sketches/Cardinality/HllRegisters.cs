using System.Runtime.Intrinsics;

namespace ShadowAgent.Sketches.Cardinality;

/// <summary>Register-array kernels for merging: element-wise maximum, vectorized with a scalar reference.</summary>
internal static class HllRegisters
{
    /// <summary>target[i] = max(target[i], source[i]) for equal lengths.</summary>
    public static void MaxInto(Span<byte> target, ReadOnlySpan<byte> source)
    {
        if (target.Length != source.Length)
        {
            throw new ArgumentException("Register arrays must have the same length.", nameof(source));
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= target.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var max = Vector256.Max(Vector256.Create(target.Slice(i, Vector256<byte>.Count)), Vector256.Create(source.Slice(i, Vector256<byte>.Count)));
                max.CopyTo(target.Slice(i, Vector256<byte>.Count));
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= target.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                var max = Vector128.Max(Vector128.Create(target.Slice(i, Vector128<byte>.Count)), Vector128.Create(source.Slice(i, Vector128<byte>.Count)));
                max.CopyTo(target.Slice(i, Vector128<byte>.Count));
            }
        }

        MaxIntoScalar(target[i..], source[i..]);
    }

    public static void MaxIntoScalar(Span<byte> target, ReadOnlySpan<byte> source)
    {
        for (var i = 0; i < target.Length; i++)
        {
            if (source[i] > target[i])
            {
                target[i] = source[i];
            }
        }
    }

    /// <summary>Downsamples a larger power-of-two array into <paramref name="target"/> by address low bits.</summary>
    public static void FoldMaxInto(Span<byte> target, ReadOnlySpan<byte> source)
    {
        for (var offset = 0; offset < source.Length; offset += target.Length)
        {
            MaxInto(target, source.Slice(offset, target.Length));
        }
    }
}
