namespace ShadowAgent.Features.Spectral;

/// <summary>
/// Energy per level of a periodized orthonormal discrete wavelet transform (Mallat 1989, "A theory for
/// multiresolution signal decomposition: the wavelet representation"; the 4-tap filter from Daubechies 1988,
/// "Orthonormal bases of compactly supported wavelets"). Only energies are kept, so detail coefficients are
/// never stored: each level reads the previous approximation and writes the next one into the other buffer.
/// </summary>
internal static class WaveletEnergies
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private static readonly double Sqrt3 = Math.Sqrt(3);
    private static readonly double Norm = 4 * Math.Sqrt(2);
    private static readonly double H0 = (1 + Sqrt3) / Norm;
    private static readonly double H1 = (3 + Sqrt3) / Norm;
    private static readonly double H2 = (3 - Sqrt3) / Norm;
    private static readonly double H3 = (1 - Sqrt3) / Norm;

    /// <summary>Writes the energy of detail levels 1..L into energies[0..L-1] and of the approximation into
    /// energies[L]. <paramref name="a"/> holds the signal and is overwritten; <paramref name="b"/> is scratch
    /// of at least half its length.</summary>
    public static void Haar(Span<double> a, Span<double> b, Span<double> energies)
    {
        var levels = energies.Length - 1;
        var length = a.Length;
        var current = a;
        var next = b;
        for (var level = 0; level < levels; level++)
        {
            var half = length / 2;
            var detail = 0.0;
            for (var i = 0; i < half; i++)
            {
                var x = current[2 * i];
                var y = current[(2 * i) + 1];
                next[i] = (x + y) * InvSqrt2;
                var d = (x - y) * InvSqrt2;
                detail += d * d;
            }

            energies[level] = detail;
            length = half;
            var t = current;
            current = next;
            next = t;
        }

        energies[levels] = SumSquares(current[..length]);
    }

    /// <summary>As <see cref="Haar"/>, with the Daubechies 4-tap filter and periodic extension.</summary>
    public static void Daubechies4(Span<double> a, Span<double> b, Span<double> energies)
    {
        var levels = energies.Length - 1;
        var length = a.Length;
        var current = a;
        var next = b;
        for (var level = 0; level < levels; level++)
        {
            var half = length / 2;
            var detail = 0.0;

            // The last output wraps around to the start; every other one reads four samples in place.
            for (var i = 0; i < half - 1; i++)
            {
                var x0 = current[2 * i];
                var x1 = current[(2 * i) + 1];
                var x2 = current[(2 * i) + 2];
                var x3 = current[(2 * i) + 3];
                next[i] = (H0 * x0) + (H1 * x1) + (H2 * x2) + (H3 * x3);
                var d = (H3 * x0) - (H2 * x1) + (H1 * x2) - (H0 * x3);
                detail += d * d;
            }

            {
                var x0 = current[length - 2];
                var x1 = current[length - 1];
                var x2 = current[0];
                var x3 = current[1];
                next[half - 1] = (H0 * x0) + (H1 * x1) + (H2 * x2) + (H3 * x3);
                var d = (H3 * x0) - (H2 * x1) + (H1 * x2) - (H0 * x3);
                detail += d * d;
            }

            energies[level] = detail;
            length = half;
            var t = current;
            current = next;
            next = t;
        }

        energies[levels] = SumSquares(current[..length]);
    }

    private static double SumSquares(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v * v;
        }

        return sum;
    }
}
