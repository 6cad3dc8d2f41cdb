using ShadowAgent.Sketches.Cardinality;

namespace ShadowAgent.Sketches.Tests.Cardinality;

public sealed class HllRegistersTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(1000)]
    [InlineData(4096)]
    public void MaxInto_AwkwardLengths_MatchesScalar(int length)
    {
        var random = new Random(length);
        var target = new byte[length];
        var source = new byte[length];
        random.NextBytes(target);
        random.NextBytes(source);
        var expected = target.ToArray();
        HllRegisters.MaxIntoScalar(expected, source);

        HllRegisters.MaxInto(target, source);

        Assert.Equal(expected, target);
    }

    [Fact]
    public void FoldMaxInto_LargerSource_TakesMaxOverAliasedSlots()
    {
        var source = new byte[64];
        source[3] = 5;
        source[19] = 9;
        source[35] = 2;
        var target = new byte[16];

        HllRegisters.FoldMaxInto(target, source);

        Assert.Equal(9, target[3]);
        Assert.Equal(1, target.Count(v => v != 0));
    }
}
