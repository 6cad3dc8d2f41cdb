using System.Net;
using System.Net.Sockets;
using System.Text;
using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Proxy;

public sealed class ForwardingTests
{
    private static readonly string[] IgnoredHeaders = ["Date", "Connection", "Keep-Alive", "Transfer-Encoding"];

    [Theory]
    [InlineData("GET", "/orders/17?expand=items", null)]
    [InlineData("POST", "/api/checkout", "{\"cart\":42,\"total\":99.5}")]
    [InlineData("PUT", "/status/201", "x")]
    [InlineData("GET", "/status/503", null)]
    [InlineData("GET", "/chunked", null)]
    public async Task Send_ThroughMirror_SameStatusBodyAndHeadersAsDirect(string method, string target, string? body)
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);
        using var direct = new HttpClient { BaseAddress = new Uri($"http://{h.Primary.Address}") };

        var viaMirror = await SendAsync(h.Client, method, target, body);
        var viaDirect = await SendAsync(direct, method, target, body);

        Assert.Equal(viaDirect.Status, viaMirror.Status);
        Assert.Equal(viaDirect.Body, viaMirror.Body);
        Assert.Equal(viaDirect.Headers, viaMirror.Headers);
        var forwarded = h.Primary.Received[0];
        Assert.Equal(method, forwarded.Method);
        Assert.Equal(target, forwarded.Target);
        Assert.Equal(body ?? "", Encoding.UTF8.GetString(forwarded.Body));
    }

    [Fact]
    public async Task Send_HopByHopHeaders_StrippedAndForwardedForAppended()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);

        var answer = await h.RawAsync(
            "GET /echo HTTP/1.1\r\nHost: shop.example\r\nConnection: close, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\n" +
            "TE: trailers\r\nUpgrade: websocket\r\nX-Forwarded-For: 10.1.2.3\r\nX-Kept: yes\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close\r\n", answer, StringComparison.Ordinal);
        var received = Assert.Single(h.Primary.Received);
        Assert.False(received.Headers.ContainsKey("X-Hop"));
        Assert.False(received.Headers.ContainsKey("Keep-Alive"));
        Assert.False(received.Headers.ContainsKey("TE"));
        Assert.False(received.Headers.ContainsKey("Upgrade"));
        Assert.Equal("yes", received.Headers["X-Kept"]);
        Assert.Equal("shop.example", received.Headers["Host"]);
        Assert.Equal("10.1.2.3, 127.0.0.1", received.Headers["X-Forwarded-For"]);
    }

    [Fact]
    public async Task Send_ChunkedRequestBody_PrimaryGetsItWholeAndShadowGetsTheDecodedCopy()
    {
        await using var h = await MirrorHarness.StartAsync();

        var answer = await h.RawAsync(
            "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
            "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nPOST /upload 12\r\n0\r\n\r\n", answer, StringComparison.Ordinal);
        Assert.Equal("hello, world", Encoding.UTF8.GetString(Assert.Single(h.Primary.Received).Body));
        await Eventually.Until(() => h.Shadow!.Count == 1, "the shadow got the copy");
        Assert.Equal("hello, world", Encoding.UTF8.GetString(h.Shadow!.Received[0].Body));
    }

    [Fact]
    public async Task Send_ExpectContinue_MirrorAnswersContinueThenForwards()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(h.Tap.LocalEndPoint);
        await socket.SendAsync(Encoding.ASCII.GetBytes("POST /e HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
        var buffer = new byte[256];
        var n = await socket.ReceiveAsync(buffer);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(buffer, 0, n));

        await socket.SendAsync("body"u8.ToArray());
        var answer = await MirrorHarness.ReadToCloseAsync(socket, TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.Contains("\r\nPOST /e 4\r\n0\r\n\r\n", answer, StringComparison.Ordinal);
        Assert.False(Assert.Single(h.Primary.Received).Headers.ContainsKey("Expect"));
    }

    [Fact]
    public async Task Send_OtherExpectation_Answered417()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);

        var answer = await h.RawAsync("GET / HTTP/1.1\r\nHost: a\r\nExpect: something-else\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 417 ", answer, StringComparison.Ordinal);
        Assert.Empty(h.Primary.Received);
    }

    [Fact]
    public async Task Send_HeadAnd204And304_NoBodyAndConnectionStaysUsable()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);

        var answer = await h.RawAsync(
            "HEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /status/204 HTTP/1.1\r\nHost: a\r\n\r\n" +
            "GET /status/304 HTTP/1.1\r\nHost: a\r\n\r\nGET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        var statuses = answer.Split("\r\n").Where(l => l.StartsWith("HTTP/1.1 ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["HTTP/1.1 200 OK", "HTTP/1.1 204 No Content", "HTTP/1.1 304 Not Modified", "HTTP/1.1 200 OK"], statuses);
        Assert.Contains("\r\nGET /last 0\r\n0\r\n\r\n", answer, StringComparison.Ordinal);
        Assert.Equal(4, h.Primary.Count);
    }

    [Fact]
    public async Task Send_ManyOnOneClientConnection_PrimaryConnectionsReused()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);

        for (var i = 0; i < 30; i++)
        {
            using var response = await h.Client.GetAsync($"/n/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(30, h.Primary.Count);
        Assert.Equal(1, h.Tap.PrimaryConnectionsOpened);
        Assert.Equal(30, h.Tap.Counters.Requests);
    }

    [Fact]
    public async Task Send_Http10Client_ForwardedAs10AndClosed()
    {
        await using var h = await MirrorHarness.StartAsync(m => m.Rate = 0);

        var answer = await h.RawAsync("GET /old HTTP/1.0\r\nHost: a\r\n\r\n");

        Assert.Contains(" 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("GET /old 0", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_PrimaryDown_Answered502AndCounted()
    {
        await using var h = await MirrorHarness.StartAsync(m =>
        {
            m.Rate = 0;
            m.Primary = $"127.0.0.1:{MirrorHarness.ClosedPort()}";
        });

        using var response = await h.Client.GetAsync("/x");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, h.Tap.Counters.PrimaryErrors);
        await Eventually.Until(() => h.PrimaryRecords.Count == 1, "the primary record (written after the answer)");
        var record = Assert.Single(h.PrimaryRecords);
        Assert.Equal("error", record.Keys["status_class"]);
        Assert.Equal(1, record.Number("primary_error"));
    }

    private static async Task<(HttpStatusCode Status, string Body, string Headers)> SendAsync(HttpClient client, string method, string target, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), target);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers)
            .Where(x => !IgnoredHeaders.Contains(x.Key, StringComparer.OrdinalIgnoreCase))
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => $"{x.Key}: {string.Join(",", x.Value)}"));
        return (response.StatusCode, text, headers);
    }
}
