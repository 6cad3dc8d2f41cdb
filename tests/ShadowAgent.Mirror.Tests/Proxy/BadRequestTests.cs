using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Proxy;

public sealed class BadRequestTests
{
    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost : a\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n")]
    [InlineData("GET / HTTP/2.0\r\nHost: a\r\n\r\n")]
    [InlineData("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("G(T / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n")]
    [InlineData("POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-Bad: a\u0001b\r\n\r\n")]
    public async Task Send_MalformedHead_Answered400CountedAndNotForwarded(string request)
    {
        await using var h = await MirrorHarness.StartAsync();

        var answer = await h.RawAsync(request);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer, StringComparison.Ordinal);
        Assert.Equal(1, h.Tap.Counters.Malformed);
        Assert.Equal(1, h.Sinks.Malformed);
        Assert.Empty(h.Primary.Received);
        Assert.Equal(0, h.Tap.Counters.Mirrored);
    }

    [Fact]
    public async Task Send_BrokenChunkedBody_Answered400AndCounted()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);

        var answer = await h.RawAsync("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer, StringComparison.Ordinal);
        Assert.Equal(1, h.Tap.Counters.Malformed);
    }

    [Fact]
    public async Task Send_HeadersOverTheLimit_Answered431AndCountedAsOversize()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.MaxHeaderBytes = 2048);

        var answer = await h.RawAsync($"GET / HTTP/1.1\r\nHost: a\r\nX-Big: {new string('x', 4000)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", answer, StringComparison.Ordinal);
        Assert.Equal(1, h.Tap.Counters.HeadersTooLarge);
        Assert.Equal(1, h.Sinks.Oversize);
        Assert.Empty(h.Primary.Received);
    }

    [Fact]
    public async Task Send_HeadersJustUnderTheLimit_Forwarded()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.MaxHeaderBytes = 2048);
        var head = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nX-Big: ";
        var request = head + new string('x', 2048 - head.Length - 4) + "\r\n\r\n";

        var answer = await h.RawAsync(request);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.Equal(0, h.Tap.Counters.HeadersTooLarge);
    }

    [Fact]
    public async Task Send_ConnectMethod_Answered501()
    {
        await using var h = await MirrorHarness.StartAsync();

        var answer = await h.RawAsync("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 501 ", answer, StringComparison.Ordinal);
        Assert.Empty(h.Primary.Received);
    }

    [Fact]
    public async Task Send_MalformedAfterGoodOnSameConnection_GoodOneAnsweredAndRecorded()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);

        var answer = await h.RawAsync("GET /ok HTTP/1.1\r\nHost: a\r\n\r\nBROKEN\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 400 Bad Request\r\n", answer, StringComparison.Ordinal);
        Assert.Single(h.PrimaryRecords);
        Assert.Equal(1, h.Sinks.Malformed);
    }
}
