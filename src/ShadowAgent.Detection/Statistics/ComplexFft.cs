namespace ShadowAgent.Detection.Statistics;

/// <summary>
/// In-place iterative radix-2 complex FFT (Cooley &amp; Tukey 1965) over split real/imaginary arrays, with
/// precomputed twiddles and bit-reversal; allocation-free after construction. Period detection runs it a
/// few times per thousand values, so a plain scalar kernel is enough (Features has the vectorized real FFT;
/// Detection does not reference Features).
/// </summary>
internal sealed class ComplexFft
{
    private readonly int _n;
    private readonly int[] _bitReverse;
    private readonly double[] _cos;
    private readonly double[] _sin;

    public ComplexFft(int n)
    {
        if (n < 2 || !int.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The FFT length must be a power of two, at least 2.");
        }

        _n = n;
        var bits = int.Log2(n);
        _bitReverse = new int[n];
        for (var i = 0; i < n; i++)
        {
            _bitReverse[i] = (int)(ReverseBits((uint)i) >> (32 - bits));
        }

        _cos = new double[n / 2];
        _sin = new double[n / 2];
        for (var k = 0; k < n / 2; k++)
        {
            var (sin, cos) = double.SinCosPi(2.0 * k / n);
            _cos[k] = cos;
            _sin[k] = -sin;
        }
    }

    public int Length => _n;

    /// <summary>Forward transform X[k] = Σ x[j]·e^(−2πi·jk/n), in place; <paramref name="inverse"/> conjugates the twiddles (unnormalized).</summary>
    public void Transform(Span<double> re, Span<double> im, bool inverse = false)
    {
        if (re.Length != _n || im.Length != _n)
        {
            throw new ArgumentException("Both spans must have the transform's length.");
        }

        for (var i = 0; i < _n; i++)
        {
            var j = _bitReverse[i];
            if (j > i)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }

        var sign = inverse ? -1.0 : 1.0;
        for (var size = 2; size <= _n; size <<= 1)
        {
            var half = size >> 1;
            var step = _n / size;
            for (var start = 0; start < _n; start += size)
            {
                for (var j = 0; j < half; j++)
                {
                    var wr = _cos[j * step];
                    var wi = sign * _sin[j * step];
                    var a = start + j;
                    var b = a + half;
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

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
