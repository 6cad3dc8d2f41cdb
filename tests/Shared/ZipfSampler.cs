namespace ShadowAgent.Testing;

/// <summary>
/// Zipf(s) ranks 1..n without a table: rejection-inversion, W. Hörmann and G. Derflinger, "Rejection-inversion to
/// generate variates from monotone discrete distributions", ACM TOMACS 1996.
/// </summary>
internal sealed class ZipfSampler
{
    private readonly Random _random;
    private readonly int _n;
    private readonly double _s;
    private readonly double _hIntegralX1;
    private readonly double _hIntegralN;
    private readonly double _squeeze;

    public ZipfSampler(int n, double s, int seed)
    {
        _random = new Random(seed);
        _n = n;
        _s = s;
        _hIntegralX1 = HIntegral(1.5) - 1;
        _hIntegralN = HIntegral(n + 0.5);
        _squeeze = 2 - HIntegralInverse(HIntegral(2.5) - H(2));
    }

    public int Next()
    {
        while (true)
        {
            var u = _hIntegralN + (_random.NextDouble() * (_hIntegralX1 - _hIntegralN));
            var x = HIntegralInverse(u);
            var k = Math.Clamp((int)(x + 0.5), 1, _n);
            if (k - x <= _squeeze || u >= HIntegral(k + 0.5) - H(k))
            {
                return k;
            }
        }
    }

    private double H(double x) => Math.Exp(-_s * Math.Log(x));

    private double HIntegral(double x)
    {
        var logX = Math.Log(x);
        return ExpM1OverX((1 - _s) * logX) * logX;
    }

    private double HIntegralInverse(double x)
    {
        var t = Math.Max(x * (1 - _s), -1);
        return Math.Exp(Log1POverX(t) * x);
    }

    private static double ExpM1OverX(double x) => Math.Abs(x) > 1e-8 ? (Math.Exp(x) - 1) / x : 1 + (x / 2) * (1 + (x / 3));

    private static double Log1POverX(double x) => Math.Abs(x) > 1e-8 ? Math.Log(1 + x) / x : 1 - (x * ((1.0 / 2) - (x / 3)));
}
