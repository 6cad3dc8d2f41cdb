using System.Globalization;
using System.Text;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Taps.Tests.Parsing;

public sealed class FastDoubleTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("42")]
    [InlineData("-17.25")]
    [InlineData("0.1")]
    [InlineData("123.456")]
    [InlineData("9007199254740992")]
    [InlineData("9007199254740993")]
    [InlineData("0.0000000000000000000001")]
    [InlineData("0.00000000000000000000001")]
    [InlineData("12345678901234567890")]
    [InlineData("1e3")]
    [InlineData("-2.5E-7")]
    [InlineData("1.7976931348623157e308")]
    [InlineData("4.9e-324")]
    public void TryParse_Number_EqualsBclParse(string text)
    {
        Assert.True(FastDouble.TryParse(Encoding.UTF8.GetBytes(text), out var value));
        Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), value);
        Assert.Equal(double.IsNegative(double.Parse(text, CultureInfo.InvariantCulture)), double.IsNegative(value));
    }

    [Fact]
    public void TryParse_RandomDecimals_BitExactWithBcl()
    {
        var random = new Random(1234);
        for (var i = 0; i < 200_000; i++)
        {
            var integer = random.NextInt64(0, i % 3 == 0 ? 1_000_000_000_000_000 : 100_000);
            var fraction = random.Next(0, 8) switch
            {
                0 => "",
                var d => "." + random.NextInt64(0, (long)Math.Pow(10, d)).ToString(CultureInfo.InvariantCulture).PadLeft(d, '0'),
            };
            var text = (random.Next(4) == 0 ? "-" : "") + integer.ToString(CultureInfo.InvariantCulture) + fraction;
            Assert.True(FastDouble.TryParse(Encoding.UTF8.GetBytes(text), out var value), text);
            Assert.True(
                BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)) == BitConverter.DoubleToInt64Bits(value),
                text);
        }
    }
}
