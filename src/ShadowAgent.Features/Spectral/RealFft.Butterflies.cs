using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ShadowAgent.Features.Spectral;

// The radix-2 butterfly stages of the complex FFT, over split real/imaginary arrays already in bit-reversed
// order. The scalar path is the reference; the vector paths must agree with it (tests compare them).
public sealed partial class RealFft
{
    private static FftPath DefaultPath() =>
        Vector256.IsHardwareAccelerated ? FftPath.Vector256
        : Vector128.IsHardwareAccelerated ? FftPath.Vector128
        : FftPath.Scalar;

    private void Transform(Span<double> re, Span<double> im)
    {
        switch (_path)
        {
            case FftPath.Vector256:
                FirstTwoStages(re, im);
                VectorStages256(re, im);
                break;
            case FftPath.Vector128:
                FirstTwoStages(re, im);
                VectorStages128(re, im);
                break;
            default:
                ScalarStages(re, im, firstSpan: 1);
                break;
        }
    }

    private void ScalarStages(Span<double> re, Span<double> im, int firstSpan)
    {
        var count = re.Length;
        for (var h = firstSpan; h < count; h <<= 1)
        {
            for (var start = 0; start < count; start += 2 * h)
            {
                for (var j = 0; j < h; j++)
                {
                    var a = start + j;
                    var b = a + h;
                    var wr = _stageCos[h + j];
                    var wi = _stageSin[h + j];
                    var tr = (re[b] * wr) - (im[b] * wi);
                    var ti = (re[b] * wi) + (im[b] * wr);
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }

    // Spans 1 and 2 have twiddles 1 and −i only, and are too short to fill a vector: done together as one
    // radix-4 pass without multiplications.
    private static void FirstTwoStages(Span<double> re, Span<double> im)
    {
        var count = re.Length;
        if (count == 2)
        {
            (re[0], re[1]) = (re[0] + re[1], re[0] - re[1]);
            (im[0], im[1]) = (im[0] + im[1], im[0] - im[1]);
            return;
        }

        for (var s = 0; s + 3 < count; s += 4)
        {
            // span 1
            var r0 = re[s] + re[s + 1];
            var i0 = im[s] + im[s + 1];
            var r1 = re[s] - re[s + 1];
            var i1 = im[s] - im[s + 1];
            var r2 = re[s + 2] + re[s + 3];
            var i2 = im[s + 2] + im[s + 3];
            var r3 = re[s + 2] - re[s + 3];
            var i3 = im[s + 2] - im[s + 3];

            // span 2: (r2, i2)·1 and (r3, i3)·(−i) = (i3, −r3)
            re[s] = r0 + r2;
            im[s] = i0 + i2;
            re[s + 2] = r0 - r2;
            im[s + 2] = i0 - i2;
            re[s + 1] = r1 + i3;
            im[s + 1] = i1 - r3;
            re[s + 3] = r1 - i3;
            im[s + 3] = i1 + r3;
        }
    }

    private void VectorStages256(Span<double> re, Span<double> im)
    {
        var count = re.Length;
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var i = ref MemoryMarshal.GetReference(im);
        ref var c = ref MemoryMarshal.GetArrayDataReference(_stageCos);
        ref var s = ref MemoryMarshal.GetArrayDataReference(_stageSin);

        // Spans of 4 and more are whole vectors of four butterflies; every load below stays inside [0, count)
        // because count is a power of two at least 2h.
        for (var h = 4; h < count; h <<= 1)
        {
            for (var start = 0; start < count; start += 2 * h)
            {
                for (var j = 0; j < h; j += Vector256<double>.Count)
                {
                    var a = (nuint)(start + j);
                    var b = a + (nuint)h;
                    var w = (nuint)(h + j);
                    Butterfly(
                        ref r, ref i, a, b,
                        Vector256.LoadUnsafe(ref c, w), Vector256.LoadUnsafe(ref s, w));
                }
            }
        }
    }

    private void VectorStages128(Span<double> re, Span<double> im)
    {
        var count = re.Length;
        ref var r = ref MemoryMarshal.GetReference(re);
        ref var i = ref MemoryMarshal.GetReference(im);
        ref var c = ref MemoryMarshal.GetArrayDataReference(_stageCos);
        ref var s = ref MemoryMarshal.GetArrayDataReference(_stageSin);

        for (var h = 4; h < count; h <<= 1)
        {
            for (var start = 0; start < count; start += 2 * h)
            {
                for (var j = 0; j < h; j += Vector128<double>.Count)
                {
                    var a = (nuint)(start + j);
                    var b = a + (nuint)h;
                    var w = (nuint)(h + j);
                    Butterfly(
                        ref r, ref i, a, b,
                        Vector128.LoadUnsafe(ref c, w), Vector128.LoadUnsafe(ref s, w));
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(ref double re, ref double im, nuint a, nuint b, Vector256<double> wr, Vector256<double> wi)
    {
        var ar = Vector256.LoadUnsafe(ref re, a);
        var ai = Vector256.LoadUnsafe(ref im, a);
        var br = Vector256.LoadUnsafe(ref re, b);
        var bi = Vector256.LoadUnsafe(ref im, b);
        var tr = (br * wr) - (bi * wi);
        var ti = (br * wi) + (bi * wr);
        (ar - tr).StoreUnsafe(ref re, b);
        (ai - ti).StoreUnsafe(ref im, b);
        (ar + tr).StoreUnsafe(ref re, a);
        (ai + ti).StoreUnsafe(ref im, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(ref double re, ref double im, nuint a, nuint b, Vector128<double> wr, Vector128<double> wi)
    {
        var ar = Vector128.LoadUnsafe(ref re, a);
        var ai = Vector128.LoadUnsafe(ref im, a);
        var br = Vector128.LoadUnsafe(ref re, b);
        var bi = Vector128.LoadUnsafe(ref im, b);
        var tr = (br * wr) - (bi * wi);
        var ti = (br * wi) + (bi * wr);
        (ar - tr).StoreUnsafe(ref re, b);
        (ai - ti).StoreUnsafe(ref im, b);
        (ar + tr).StoreUnsafe(ref re, a);
        (ai + ti).StoreUnsafe(ref im, a);
    }
}
