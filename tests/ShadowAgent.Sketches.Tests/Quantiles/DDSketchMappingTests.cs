using ShadowAgent.Sketches.Quantiles;

namespace ShadowAgent.Sketches.Tests.Quantiles;

public sealed class DDSketchMappingTests
{
    [Theory]
    [InlineData(DDSketchMappingKind.Logarithmic, 0.01)]
    [InlineData(DDSketchMappingKind.CubicallyInterpolated, 0.01)]
    [InlineData(DDSketchMappingKind.Logarithmic, 0.001)]
    [InlineData(DDSketchMappingKind.CubicallyInterpolated, 0.05)]
    public void Value_OfIndex_WithinRelativeAccuracyAcrossRange(DDSketchMappingKind kind, double alpha)
    {
        var mapping = DDSketchTests.MappingOf(kind, alpha);
        var random = new Random(71);
        Assert.Equal(alpha, mapping.RelativeAccuracy, 1e-12);

        for (int i = 0; i < 200_000; i++)
        {
            // Log-uniform over the indexable range, plus powers of two where the interpolation is exact.
            double value = i % 100 == 0
                ? Math.ScaleB(1, random.Next(-1000, 1000))
                : Math.Exp(random.NextDouble() * 1400 - 700);
            if (value < mapping.MinIndexableValue || value > mapping.MaxIndexableValue)
            {
                continue;
            }

            double back = mapping.Value(mapping.Index(value));
            Assert.True(Math.Abs(back - value) <= alpha * value * (1 + 1e-9), $"{kind}: {value:R} -> {back:R}");
        }
    }

    [Fact]
    public void Index_Logarithmic_IsFloorOfLogGamma()
    {
        var mapping = DDSketchMapping.Logarithmic(0.01);
        double gamma = 1.01 / 0.99;

        Assert.Equal(gamma, mapping.Gamma, 1e-15);
        Assert.Equal(0, mapping.Index(1.0));
        Assert.Equal(0, mapping.Index(gamma * 0.999));
        Assert.Equal(1, mapping.Index(gamma * 1.001));
        Assert.Equal(-1, mapping.Index(0.999));
        Assert.Equal((int)Math.Floor(Math.Log(1234.5) / Math.Log(gamma)), mapping.Index(1234.5));
    }

    [Fact]
    public void Index_Cubic_IsMonotoneAndUsesSlightlyMoreBins()
    {
        var cubic = DDSketchMapping.CubicallyInterpolated(0.01);
        var log = DDSketchMapping.Logarithmic(0.01);

        Assert.True(cubic.Gamma < log.Gamma);
        int bins = cubic.Index(1e6) - cubic.Index(1e-6);
        int logBins = log.Index(1e6) - log.Index(1e-6);
        Assert.InRange(bins, logBins, (int)(logBins * 1.02) + 1);

        int previous = int.MinValue;
        for (double value = 1e-3; value < 1e3; value *= 1.0001)
        {
            int index = cubic.Index(value);
            Assert.True(index >= previous);
            previous = index;
        }
    }

    [Fact]
    public void Create_BadParameters_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DDSketchMapping.Logarithmic(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DDSketchMapping.CubicallyInterpolated(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DDSketchMapping.Create(DDSketchMappingKind.Logarithmic, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DDSketchMapping.Create(DDSketchMappingKind.Logarithmic, 1.02, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => DDSketchMapping.Create((DDSketchMappingKind)7, 1.02, 0));
    }
}
