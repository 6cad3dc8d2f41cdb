using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ShadowAgent.Features.Spectral;

/// <summary>
/// The one per-bin transcendental of the features: entropy and flatness both need ln p for every bin, and
/// it is the most expensive loop after the FFT, so it has a vector path (Vector256.Log) beside the scalar
/// reference.
/// </summary>
internal static class SpectralKernels
{
    /// <summary>Σ ln p and Σ p·ln p over the positive bins, and how many bins are zero (power is never negative).</summary>
    public static (double SumLog, double SumPLogP, int Zeros) LogSums(ReadOnlySpan<double> power) =>
        Vector256.IsHardwareAccelerated ? LogSumsVector256(power) : LogSumsScalar(power);

    internal static (double SumLog, double SumPLogP, int Zeros) LogSumsScalar(ReadOnlySpan<double> power)
    {
        var sumLog = 0.0;
        var sumPLogP = 0.0;
        var zeros = 0;
        foreach (var p in power)
        {
            if (p > 0)
            {
                var l = Math.Log(p);
                sumLog += l;
                sumPLogP += p * l;
            }
            else
            {
                zeros++;
            }
        }

        return (sumLog, sumPLogP, zeros);
    }

    internal static (double SumLog, double SumPLogP, int Zeros) LogSumsVector256(ReadOnlySpan<double> power)
    {
        ref var p = ref MemoryMarshal.GetReference(power);
        var sumLog = Vector256<double>.Zero;
        var sumPLogP = Vector256<double>.Zero;
        var zeros = 0;
        var i = 0;
        for (; i <= power.Length - Vector256<double>.Count; i += Vector256<double>.Count)
        {
            var v = Vector256.LoadUnsafe(ref p, (nuint)i);
            var positive = Vector256.GreaterThan(v, Vector256<double>.Zero);

            // ln 0 is −∞ and 0·−∞ is NaN: zero bins are masked out of both sums and counted instead.
            var l = Vector256.ConditionalSelect(positive, Vector256.Log(v), Vector256<double>.Zero);
            sumLog += l;
            sumPLogP += v * l;
            zeros += Vector256<double>.Count - int.PopCount((int)positive.ExtractMostSignificantBits());
        }

        var (tailLog, tailPLogP, tailZeros) = LogSumsScalar(power[i..]);
        return (Vector256.Sum(sumLog) + tailLog, Vector256.Sum(sumPLogP) + tailPLogP, zeros + tailZeros);
    }
}
