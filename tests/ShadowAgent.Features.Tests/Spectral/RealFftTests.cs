using ShadowAgent.Features.Spectral;

namespace ShadowAgent.Features.Tests.Spectral;

public sealed class RealFftTests
{
    // O(n²) reference with exact angles: jk is reduced mod n before the trigonometry.
    private static (double[] Re, double[] Im) DirectDft(double[] x)
    {
        var n = x.Length;
        var re = new double[(n / 2) + 1];
        var im = new double[(n / 2) + 1];
        for (var k = 0; k <= n / 2; k++)
        {
            double sr = 0, si = 0;
            for (var j = 0; j < n; j++)
            {
                var (sin, cos) = double.SinCosPi(2.0 * ((long)j * k % n) / n);
                sr += x[j] * cos;
                si -= x[j] * sin;
            }

            re[k] = sr;
            im[k] = si;
        }

        return (re, im);
    }

    private static double[] Random(int n, int seed)
    {
        var random = new Random(seed);
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (random.NextDouble() * 2) - 1;
        }

        return x;
    }

    private static void AssertClose(double[] expectedRe, double[] expectedIm, double[] re, double[] im, double relative)
    {
        var max = 0.0;
        for (var k = 0; k < expectedRe.Length; k++)
        {
            max = Math.Max(max, Math.Sqrt((expectedRe[k] * expectedRe[k]) + (expectedIm[k] * expectedIm[k])));
        }

        var tolerance = relative * Math.Max(max, 1e-300);
        for (var k = 0; k < expectedRe.Length; k++)
        {
            Assert.True(Math.Abs(expectedRe[k] - re[k]) <= tolerance, $"re[{k}]: expected {expectedRe[k]}, got {re[k]}");
            Assert.True(Math.Abs(expectedIm[k] - im[k]) <= tolerance, $"im[{k}]: expected {expectedIm[k]}, got {im[k]}");
        }
    }

    private static (double[] Re, double[] Im) Forward(RealFft fft, double[] x)
    {
        var re = new double[fft.BinCount];
        var im = new double[fft.BinCount];
        fft.Forward(x, re, im);
        return (re, im);
    }

    // Paths travel as int: FftPath is internal and theory parameters are public.
    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        foreach (var n in new[] { 2, 4, 8, 16, 64, 1024 })
        {
            foreach (var path in Enum.GetValues<FftPath>())
            {
                data.Add(n, (int)path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_SeededRandomInput_MatchesDirectDft(int n, int path)
    {
        var x = Random(n, seed: 42 + n);
        var (expectedRe, expectedIm) = DirectDft(x);
        var (re, im) = Forward(new RealFft(n, (FftPath)path), x);
        AssertClose(expectedRe, expectedIm, re, im, 1e-9);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_PureTones_MatchDirectDft(int n, int path)
    {
        var fft = new RealFft(n, (FftPath)path);
        foreach (var cycles in new[] { 0.0, 1, n / 4.0, n / 2.0, 3.3 })
        {
            var x = new double[n];
            for (var i = 0; i < n; i++)
            {
                x[i] = Math.Cos((2 * Math.PI * cycles * i / n) + 0.3);
            }

            var (expectedRe, expectedIm) = DirectDft(x);
            var (re, im) = Forward(fft, x);
            AssertClose(expectedRe, expectedIm, re, im, 1e-9);
        }
    }

    [Fact]
    public void Forward_ToneOnBin_PutsHalfTheEnergyTimesNInThatBin()
    {
        const int n = 256;
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = Math.Sin(2 * Math.PI * 10 * i / n);
        }

        var (re, im) = Forward(new RealFft(n), x);
        Assert.Equal(0, re[10], 9);
        Assert.Equal(-n / 2.0, im[10], 9);
        Assert.Equal(0, Math.Abs(re[11]) + Math.Abs(im[11]), 9);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(128)]
    [InlineData(1024)]
    [InlineData(4096)]
    public void Forward_VectorPaths_EqualScalarPath(int n)
    {
        var x = Random(n, seed: 7 * n);
        var (scalarRe, scalarIm) = Forward(new RealFft(n, FftPath.Scalar), x);
        foreach (var path in new[] { FftPath.Vector128, FftPath.Vector256 })
        {
            var (re, im) = Forward(new RealFft(n, (FftPath)path), x);
            AssertClose(scalarRe, scalarIm, re, im, 1e-14);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Inverse_OfForward_RestoresInput(int n, int path)
    {
        var fft = new RealFft(n, (FftPath)path);
        var x = Random(n, seed: 3 + n);
        var (re, im) = Forward(fft, x);
        var back = new double[n];
        fft.Inverse(re, im, back);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(x[i], back[i], 12);
        }
    }

    [Fact]
    public void Forward_AfterWarmUp_AllocatesNothing()
    {
        var fft = new RealFft(1024);
        var x = Random(1024, seed: 1);
        var re = new double[fft.BinCount];
        var im = new double[fft.BinCount];
        fft.Forward(x, re, im);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            fft.Forward(x, re, im);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Ctor_LengthNotPowerOfTwoAtLeastTwo_Throws(int n) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft(n));

    [Fact]
    public void Forward_WrongSpanLengths_Throw()
    {
        var fft = new RealFft(16);
        Assert.Throws<ArgumentException>(() => fft.Forward(new double[15], new double[9], new double[9]));
        Assert.Throws<ArgumentException>(() => fft.Forward(new double[16], new double[8], new double[9]));
        Assert.Throws<ArgumentException>(() => fft.Inverse(new double[9], new double[9], new double[15]));
    }
}
