using System.IO.Compression;
using System.Text;
using ShadowAgent.Mirror.Diff;

namespace ShadowAgent.Mirror.Tests.Diff;

public sealed class BodyComparerTests
{
    private static readonly HashSet<string> Ignore = ["ts"];

    private static BodyCapture Capture(byte[] body, bool json = false, bool encoded = false, int max = 1024)
    {
        var c = new BodyCapture(max, -1) { DeclaredJson = json, Encoded = encoded };
        c.Append(body);
        return c;
    }

    private static BodyDiffOutcome Compare(string primary, string shadow, int primaryStatus = 200, int shadowStatus = 200) =>
        BodyComparer.Compare(primaryStatus, Capture(Encoding.UTF8.GetBytes(primary)), shadowStatus, Capture(Encoding.UTF8.GetBytes(shadow)), Ignore);

    [Theory]
    [InlineData("""{"a":1,"b":[1,2,{"ts":3}]}""", """ {"b":[1,2,{"ts":4}],"a":1.0} """, "equal")]
    [InlineData("""{"a":1,"b":[1,2]}""", """{"a":1,"b":[1,2,3]}""", "differs $.b")]
    [InlineData("""{"a":{"x":"p"}}""", """{"a":{"x":"q"}}""", "differs $.a.x")]
    [InlineData("""{"a":1}""", """{"a":1,"c":null}""", "differs $.c")]
    [InlineData("""{"a":"1"}""", """{"a":1}""", "differs $.a")]
    [InlineData("""[{"a":true}]""", """[{"a":false}]""", "differs $[].a")]
    [InlineData("""{"a":1}""", "<html>oops</html>", "not_json")]
    [InlineData("plain", "plain", "equal")]
    [InlineData("plain", "plain!", "differs")]
    [InlineData("{not json", "{not json", "equal")]
    public void Compare_Bodies_Reason(string primary, string shadow, string expected)
    {
        var outcome = Compare(primary, shadow);

        Assert.Equal(expected, outcome.Reason);
        Assert.Equal(expected == "equal" ? 0 : 1, outcome.Mismatch);
    }

    [Fact]
    public void Compare_StatusDiffers_StatusDiffersBeforeBodies()
    {
        var outcome = Compare("{}", "{}", 200, 404);

        Assert.Equal("status_differs", outcome.Reason);
        Assert.Equal(1, outcome.Mismatch);
    }

    [Fact]
    public void Compare_DeepPath_BoundedReason()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"averyveryverylongfieldname\":", 8)) + "1" + new string('}', 8);
        var other = string.Concat(Enumerable.Repeat("{\"averyveryverylongfieldname\":", 8)) + "2" + new string('}', 8);

        var outcome = Compare(deep, other);

        Assert.Equal(BodyComparer.MaxReasonLength, outcome.Reason.Length);
        Assert.StartsWith("differs $.averyveryverylongfieldname.", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_GzipBodies_ComparedAsBytesNotDecoded()
    {
        var json = Encoding.UTF8.GetBytes("""{"a":1,"ts":1}""");
        var other = Encoding.UTF8.GetBytes("""{"a":1,"ts":2}""");

        var outcome = BodyComparer.Compare(200, Capture(Gzip(json), json: true, encoded: true), 200, Capture(Gzip(other), json: true, encoded: true), Ignore);

        // Equal once decoded, but gzip bytes differ: the mirror does not decompress.
        Assert.Equal("differs", outcome.Reason);
    }

    [Fact]
    public void Capture_OverTheCap_TooLargeAndNotCompared()
    {
        var big = Capture(new byte[2000], max: 1000);
        var announced = new BodyCapture(1000, 5000);

        Assert.True(big.TooLarge);
        Assert.True(announced.TooLarge);
        Assert.True(big.Span.IsEmpty);
        var outcome = BodyComparer.Compare(200, big, 200, Capture([1]), Ignore);
        Assert.Equal("too_large", outcome.Reason);
        Assert.False(outcome.Compared);
    }

    [Fact]
    public void Capture_GrowsAcrossAppends_KeepsEveryByte()
    {
        var random = new Random(7);
        var data = new byte[10_000];
        random.NextBytes(data);
        var c = new BodyCapture(10_000, -1);

        for (var i = 0; i < data.Length; i += 333)
        {
            c.Append(data.AsSpan(i, Math.Min(333, data.Length - i)));
        }

        Assert.False(c.TooLarge);
        Assert.True(c.Span.SequenceEqual(data));
        c.Release();
        Assert.True(c.Span.IsEmpty);
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/problem+json; charset=utf-8", true)]
    [InlineData("text/plain", false)]
    [InlineData("", false)]
    public void IsJsonType_ContentTypes(string contentType, bool expected) =>
        Assert.Equal(expected, BodyCapture.IsJsonType(Encoding.ASCII.GetBytes(contentType)));

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
        {
            gz.Write(data);
        }

        return output.ToArray();
    }
}
