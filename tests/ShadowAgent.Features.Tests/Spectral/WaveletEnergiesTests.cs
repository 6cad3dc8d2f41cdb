using ShadowAgent.Features.Spectral;

namespace ShadowAgent.Features.Tests.Spectral;

public sealed class WaveletEnergiesTests
{
    private delegate void Transform(Span<double> a, Span<double> b, Span<double> energies);

    public static TheoryData<string, int, int> Cases() => new()
    {
        { "haar", 4, 1 }, { "haar", 64, 5 }, { "haar", 1024, 9 },
        { "db4", 4, 1 }, { "db4", 64, 5 }, { "db4", 1024, 9 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Transform_RandomInput_ConservesEnergy(string wavelet, int n, int levels)
    {
        var random = new Random(n + levels);
        var x = Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 10) - 5).ToArray();
        var expected = x.Sum(v => v * v);
        var energies = new double[levels + 1];
        Transform transform = wavelet == "haar" ? WaveletEnergies.Haar : WaveletEnergies.Daubechies4;
        transform(x, new double[n / 2], energies);
        Assert.Equal(expected, energies.Sum(), 1e-10 * expected);
    }

    [Fact]
    public void Daubechies4_LinearRamp_HasNoInteriorDetail()
    {
        // D4 has two vanishing moments: a ramp leaves detail only where the periodic wrap breaks it.
        const int n = 64;
        var x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var energies = new double[2];
        WaveletEnergies.Daubechies4(x, new double[n / 2], energies);
        var ramp = Enumerable.Range(0, n).Sum(i => (double)i * i);

        // One wrapped coefficient out of 32; its energy is bounded by the jump of 63 across the wrap.
        Assert.True(energies[0] < 63 * 63, $"detail {energies[0]}");
        Assert.True(energies[0] / ramp < 0.05);
    }
}
