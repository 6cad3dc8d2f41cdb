using ShadowAgent.Features.Spectral;

namespace ShadowAgent.Features.Tests.Spectral;

public sealed class SpectralKernelsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(513)]
    public void LogSumsVector256_AwkwardLengthsWithZeros_EqualsScalar(int length)
    {
        var random = new Random(length + 11);
        var power = new double[length];
        for (var i = 0; i < length; i++)
        {
            // Powers spanning many decades, with some exact zeros and subnormals.
            power[i] = random.Next(7) switch
            {
                0 => 0,
                1 => double.Epsilon * 3,
                _ => Math.Pow(10, (random.NextDouble() * 40) - 20),
            };
        }

        var scalar = SpectralKernels.LogSumsScalar(power);
        var vector = SpectralKernels.LogSumsVector256(power);
        Assert.Equal(scalar.Zeros, vector.Zeros);
        Assert.Equal(scalar.SumLog, vector.SumLog, 1e-9 * Math.Max(1, Math.Abs(scalar.SumLog)));
        Assert.Equal(scalar.SumPLogP, vector.SumPLogP, 1e-12 * Math.Max(1, Math.Abs(scalar.SumPLogP)));
    }

    [Fact]
    public void LogSumsScalar_KnownValues_AreExact()
    {
        var (sumLog, sumPLogP, zeros) = SpectralKernels.LogSumsScalar([1, Math.E, 0]);
        Assert.Equal(1, sumLog, 15);
        Assert.Equal(Math.E, sumPLogP, 15);
        Assert.Equal(1, zeros);
    }
}
