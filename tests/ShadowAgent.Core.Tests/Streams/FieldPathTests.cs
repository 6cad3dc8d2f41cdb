using System.Text;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Core.Tests.Streams;

public sealed class FieldPathTests
{
    [Fact]
    public void Parse_DottedPath_SplitsIntoUtf8Segments()
    {
        var path = FieldPath.Parse("user.geo.région");
        Assert.Equal(["user", "geo", "région"], path.Segments.Select(s => Encoding.UTF8.GetString(s)));
    }

    [Fact]
    public void Parse_EscapedDot_StaysInSegment()
    {
        var path = FieldPath.Parse(@"http\.status.code");
        Assert.Equal(["http.status", "code"], path.Segments.Select(s => Encoding.UTF8.GetString(s)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a..b")]
    [InlineData("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q")]
    public void TryParse_Invalid_ReturnsReason(string text)
    {
        Assert.False(FieldPath.TryParse(text, out _, out var why));
        Assert.False(string.IsNullOrEmpty(why));
    }
}
