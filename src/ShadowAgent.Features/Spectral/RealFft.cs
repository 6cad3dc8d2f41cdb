namespace ShadowAgent.Features.Spectral;

/// <summary>
/// Forward (and inverse) DFT of a real series whose length is a power of two, allocation-free after
/// construction and safe to share between threads (it keeps only read-only tables).
/// </summary>
/// <remarks>
/// The n real samples are packed as n/2 complex samples (even index → real part, odd → imaginary), run
/// through an iterative radix-2 complex FFT of size n/2 (Cooley &amp; Tukey 1965, "An algorithm for the
/// machine calculation of complex Fourier series"), then separated into the spectrum of the real series by
/// the split step (Sorensen, Jones, Heideman &amp; Burrus 1987, "Real-valued fast Fourier transform
/// algorithms", IEEE TASSP 35(6)). Packing halves the work against a complex FFT of size n and keeps one
/// kernel for both directions. Radix-2 over split real/imaginary arrays was chosen over radix-4 because
/// every stage with a span of four or more is a straight run of independent butterflies over contiguous
/// twiddles, which maps onto Vector256 without shuffles; at n = 1024 the whole working set sits in L1, so the
/// extra pass radix-2 makes costs little, and the first two stages (twiddles 1 and −i) are done without
/// multiplications.
/// The forward transform is unnormalized: X[k] = Σ x[j]·e^(−2πi·jk/n), k = 0..n/2.
/// </remarks>
public sealed partial class RealFft
{
    private readonly int _n;
    private readonly int _half;

    // Bit-reversal permutation of 0..n/2-1 (log2(n/2) bits).
    private readonly int[] _bitReverse;

    // Twiddles of the complex FFT, grouped by stage: a stage joining blocks of span h reads
    // e^(−iπ·j/h), j = 0..h-1, at [h, 2h). Entry 0 is unused; length n/2 (at least 1).
    private readonly double[] _stageCos;
    private readonly double[] _stageSin;

    // e^(−2πi·k/n), k = 0..n/4, for the split step.
    private readonly double[] _splitCos;
    private readonly double[] _splitSin;

    private readonly FftPath _path;

    /// <summary>Prepares the tables for a transform of <paramref name="n"/> real points.</summary>
    /// <param name="n">A power of two, at least 2.</param>
    public RealFft(int n)
        : this(n, DefaultPath())
    {
    }

    internal RealFft(int n, FftPath path)
    {
        if (n < 2 || !int.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The FFT length must be a power of two, at least 2.");
        }

        _n = n;
        _half = n / 2;
        _path = path;

        var bits = int.Log2(_half);
        _bitReverse = new int[_half];
        for (var i = 0; i < _half; i++)
        {
            _bitReverse[i] = bits == 0 ? 0 : (int)(ReverseBits((uint)i) >> (32 - bits));
        }

        _stageCos = new double[Math.Max(_half, 1)];
        _stageSin = new double[Math.Max(_half, 1)];
        for (var h = 1; h < _half; h <<= 1)
        {
            for (var j = 0; j < h; j++)
            {
                // SinCosPi is exact at the quarter turns, so the −i twiddle really is (0, −1).
                var (sin, cos) = double.SinCosPi((double)j / h);
                _stageCos[h + j] = cos;
                _stageSin[h + j] = -sin;
            }
        }

        var quarter = n / 4;
        _splitCos = new double[quarter + 1];
        _splitSin = new double[quarter + 1];
        for (var k = 0; k <= quarter; k++)
        {
            var (sin, cos) = double.SinCosPi(2.0 * k / n);
            _splitCos[k] = cos;
            _splitSin[k] = -sin;
        }
    }

    /// <summary>Number of real input points.</summary>
    public int Length => _n;

    /// <summary>Number of spectrum bins the forward transform writes: n/2 + 1 (DC to Nyquist).</summary>
    public int BinCount => _half + 1;

    internal FftPath Path => _path;

    /// <summary>
    /// Computes bins 0..n/2 of the DFT of <paramref name="input"/>. The transform runs in place in
    /// <paramref name="real"/> and <paramref name="imaginary"/>; nothing is allocated.
    /// </summary>
    /// <param name="input">Exactly <see cref="Length"/> samples; not modified.</param>
    /// <param name="real">At least <see cref="BinCount"/> elements; receives the real parts.</param>
    /// <param name="imaginary">At least <see cref="BinCount"/> elements; receives the imaginary parts.</param>
    public void Forward(ReadOnlySpan<double> input, Span<double> real, Span<double> imaginary)
    {
        if (input.Length != _n)
        {
            throw new ArgumentException($"Expected {_n} samples, got {input.Length}.", nameof(input));
        }

        CheckSpectrum(real.Length, imaginary.Length);

        // Packing and bit reversal in one pass: the complex sample at position i comes from pair _bitReverse[i].
        var reverse = _bitReverse;
        for (var i = 0; i < _half; i++)
        {
            var source = 2 * reverse[i];
            real[i] = input[source];
            imaginary[i] = input[source + 1];
        }

        Transform(real[.._half], imaginary[.._half]);
        Split(real, imaginary);
    }

    /// <summary>
    /// Inverse of <see cref="Forward"/>: rebuilds the n real samples from bins 0..n/2 (scaled by 1/n, so
    /// Inverse(Forward(x)) = x). The imaginary parts of the DC and Nyquist bins are ignored, as they are zero
    /// for the spectrum of a real series.
    /// </summary>
    /// <param name="real">At least <see cref="BinCount"/> elements; overwritten (used as the work area).</param>
    /// <param name="imaginary">At least <see cref="BinCount"/> elements; overwritten.</param>
    /// <param name="output">Exactly <see cref="Length"/> elements; receives the samples.</param>
    public void Inverse(Span<double> real, Span<double> imaginary, Span<double> output)
    {
        if (output.Length != _n)
        {
            throw new ArgumentException($"Expected room for {_n} samples, got {output.Length}.", nameof(output));
        }

        CheckSpectrum(real.Length, imaginary.Length);

        Unsplit(real, imaginary);

        // Inverse DFT as conj(DFT(conj(Z))): the imaginary parts are negated on the way in and out.
        var re = real[.._half];
        var im = imaginary[.._half];
        // Every position is visited once as i after any swap that fills it, so each is negated exactly once.
        for (var i = 0; i < _half; i++)
        {
            var j = _bitReverse[i];
            if (i < j)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }

            im[i] = -im[i];
        }

        Transform(re, im);

        var scale = 1.0 / _half;
        for (var i = 0; i < _half; i++)
        {
            output[2 * i] = re[i] * scale;
            output[(2 * i) + 1] = -im[i] * scale;
        }
    }

    private void CheckSpectrum(int realLength, int imaginaryLength)
    {
        if (realLength <= _half || imaginaryLength <= _half)
        {
            throw new ArgumentException($"The spectrum needs {_half + 1} bins in both the real and imaginary spans.");
        }
    }

    // From the packed transform Z (bins 0..n/2-1) to the spectrum X (bins 0..n/2), pairing k with n/2 − k so
    // it runs in place. With E, O the transforms of the even and odd samples, Z = E + iO, and
    // E[k] = (Z[k] + conj Z[h−k]) / 2, O[k] = (Z[k] − conj Z[h−k]) / 2i, X[k] = E[k] + W^k·O[k],
    // X[h−k] = conj(E[k] − W^k·O[k]).
    private void Split(Span<double> re, Span<double> im)
    {
        var h = _half;
        var z0r = re[0];
        var z0i = im[0];
        re[0] = z0r + z0i;
        im[0] = 0;
        re[h] = z0r - z0i;
        im[h] = 0;

        for (var k = 1; k <= h / 2; k++)
        {
            var m = h - k;
            var ar = re[k];
            var ai = im[k];
            var br = re[m];
            var bi = -im[m];

            var er = 0.5 * (ar + br);
            var ei = 0.5 * (ai + bi);
            var or = 0.5 * (ai - bi);
            var oi = -0.5 * (ar - br);

            var wr = _splitCos[k];
            var wi = _splitSin[k];
            var tr = (wr * or) - (wi * oi);
            var ti = (wr * oi) + (wi * or);

            re[k] = er + tr;
            im[k] = ei + ti;
            re[m] = er - tr;
            im[m] = -(ei - ti);
        }
    }

    // The split step run backwards: E[k] = (X[k] + conj X[h−k]) / 2, O[k] = (X[k] − conj X[h−k]) / 2 · W^−k,
    // Z[k] = E[k] + i·O[k].
    private void Unsplit(Span<double> re, Span<double> im)
    {
        var h = _half;
        var x0 = re[0];
        var xh = re[h];
        re[0] = 0.5 * (x0 + xh);
        im[0] = 0.5 * (x0 - xh);

        for (var k = 1; k <= h / 2; k++)
        {
            var m = h - k;
            var ar = re[k];
            var ai = im[k];
            var br = re[m];
            var bi = -im[m];

            var er = 0.5 * (ar + br);
            var ei = 0.5 * (ai + bi);
            var dr = 0.5 * (ar - br);
            var di = 0.5 * (ai - bi);

            // O = D · conj(W^k)
            var wr = _splitCos[k];
            var wi = -_splitSin[k];
            var or = (dr * wr) - (di * wi);
            var oi = (dr * wi) + (di * wr);

            // Z[k] = E + iO; Z[h−k] = conj(E) + i·conj(O)
            re[k] = er - oi;
            im[k] = ei + or;
            re[m] = er + oi;
            im[m] = -ei + or;
        }
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
