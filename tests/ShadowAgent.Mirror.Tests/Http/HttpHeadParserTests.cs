using System.Buffers;
using System.Text;
using ShadowAgent.Mirror.Http;

namespace ShadowAgent.Mirror.Tests.Http;

public sealed class HttpHeadParserTests
{
    [Fact]
    public void TryRead_RequestWithLeadingEmptyLine_ParsedAndBufferAdvancedPastHead()
    {
        var head = new HttpHead(64);
        var buffer = Sequence("\r\nPOST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length:  3 \r\nConnection: keep-alive, X-A\r\n\r\nabc");

        Assert.Equal(HeadResult.Parsed, HttpHeadParser.TryRead(ref buffer, head, 1024, request: true));

        Assert.Equal("abc", Encoding.ASCII.GetString(buffer.ToArray()));
        Assert.Equal("POST", Encoding.ASCII.GetString(head.MethodBytes));
        Assert.Equal("/a", Encoding.ASCII.GetString(head.PathBytes));
        Assert.Equal(3, head.ContentLength);
        Assert.True(head.KeepAlive);
        Assert.Equal(["keep-alive", "x-a"], head.ConnectionTokens);
        Assert.True(head.IsHopByHop(head.Headers[2]));
        Assert.False(head.IsHopByHop(head.Headers[0]));
    }

    [Fact]
    public void TryRead_Incomplete_AsksForMoreWithoutConsuming()
    {
        var head = new HttpHead(64);
        var buffer = Sequence("GET / HTTP/1.1\r\nHost: x\r\n");

        Assert.Equal(HeadResult.Incomplete, HttpHeadParser.TryRead(ref buffer, head, 1024, request: true));
        Assert.Equal(25, buffer.Length);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 200, 5, false)]
    [InlineData("HTTP/1.1 204 \r\n\r\n", 204, -1, false)]
    [InlineData("HTTP/1.0 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 200, -1, true)]
    public void TryRead_Response_StatusAndFraming(string text, int status, long length, bool chunked)
    {
        var head = new HttpHead(64);
        var buffer = Sequence(text);

        Assert.Equal(HeadResult.Parsed, HttpHeadParser.TryRead(ref buffer, head, 1024, request: false));
        Assert.Equal(status, head.StatusCode);
        Assert.Equal(length, head.ContentLength);
        Assert.Equal(chunked, head.Chunked);
    }

    private static ReadOnlySequence<byte> Sequence(string text) => new(Encoding.ASCII.GetBytes(text));
}
