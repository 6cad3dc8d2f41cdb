using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Diff;

/// <summary>Response-body comparison between real loopback primary and shadow servers.</summary>
public sealed class BodyDiffTests
{
    private const string Profile = """
        {
          "service": { "name": "pricing" },
          "bodyDiff": { "routes": ["/api/price", "/api/cart/*"], "ignoreFields": ["ts", "request_id"], "maxBodyBytes": 4096 }
        }
        """;

    /// <summary>Answers <paramref name="json"/> on every /api path (chunked when asked, else with Content-Length).</summary>
    private static Func<HttpContext, Task<bool>> Answer(Func<string, string> json, bool chunked = false, int status = 200, string contentType = "application/json") =>
        async context =>
        {
            var path = context.Request.Path.Value ?? "";
            if (!path.StartsWith("/api/", StringComparison.Ordinal))
            {
                return false;
            }

            var body = Encoding.UTF8.GetBytes(json(path));
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            if (chunked)
            {
                // Three writes with flushes: the body goes out in several chunks.
                var third = body.Length / 3;
                await context.Response.Body.WriteAsync(body.AsMemory(0, third));
                await context.Response.Body.FlushAsync();
                await context.Response.Body.WriteAsync(body.AsMemory(third, third));
                await context.Response.Body.FlushAsync();
                await context.Response.Body.WriteAsync(body.AsMemory(2 * third));
            }
            else
            {
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body);
            }

            return true;
        };

    private static async Task<MirrorRecord> OneShadowRecordAsync(MirrorHarness h, string path)
    {
        using (var r = await h.Client.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await Eventually.Until(() => h.ShadowRecords.Count == 1, "the shadow record");
        return Assert.Single(h.ShadowRecords);
    }

    [Fact]
    public async Task Diff_IgnoredFieldAndKeyOrderDiffer_Equal()
    {
        await using var h = await MirrorHarness.StartAsync(profileJson: Profile);
        h.Primary.Custom = Answer(_ => """{"price": 12.5, "ts": 1, "meta": {"request_id": "a", "currency": "EUR"}}""");
        h.Shadow!.Custom = Answer(_ => """{"meta": {"currency": "EUR", "request_id": "b"}, "ts": 2, "price": 12.50}""");

        var shadow = await OneShadowRecordAsync(h, "/api/price?sku=1");

        Assert.Equal("equal", shadow.Keys["body_diff"]);
        Assert.Equal(0, shadow.Number("body_mismatch"));
        Assert.Equal(1, h.Tap.Counters.BodiesCompared);
        Assert.Equal(0, h.Tap.Counters.BodyMismatches);
    }

    [Fact]
    public async Task Diff_NonIgnoredFieldDiffers_MismatchNamesTheFirstPath()
    {
        await using var h = await MirrorHarness.StartAsync(profileJson: Profile);
        h.Primary.Custom = Answer(_ => """{"items": [{"sku": "a", "price": 1}, {"sku": "b", "price": 2}], "ts": 5}""");
        h.Shadow!.Custom = Answer(_ => """{"items": [{"sku": "a", "price": 1}, {"price": 3, "sku": "b"}], "ts": 6}""");

        var shadow = await OneShadowRecordAsync(h, "/api/cart/42");

        Assert.Equal("differs $.items[].price", shadow.Keys["body_diff"]);
        Assert.Equal(1, shadow.Number("body_mismatch"));
        Assert.Equal(1, h.Tap.Counters.BodyMismatches);
        Assert.Equal("/api/cart/42", shadow.Keys["route"]);
    }

    [Fact]
    public async Task Diff_PrimaryChunkedShadowContentLength_ComparedDechunkedAndClientBytesUnchanged()
    {
        const string json = """{"total": 99, "lines": ["x", "y", "z"], "note": "same body, other framing"}""";
        await using var h = await MirrorHarness.StartAsync(profileJson: Profile);
        h.Primary.Custom = Answer(_ => json, chunked: true);
        h.Shadow!.Custom = Answer(_ => json);

        var viaMirror = await h.RawAsync("GET /api/price HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n");
        await Eventually.Until(() => h.ShadowRecords.Count == 1, "the shadow record");
        var direct = await RawDirectAsync(h.Primary.EndPoint, "GET /api/price HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n");

        var shadow = Assert.Single(h.ShadowRecords);
        Assert.Equal("equal", shadow.Keys["body_diff"]);
        Assert.Contains("Transfer-Encoding: chunked", viaMirror, StringComparison.OrdinalIgnoreCase);
        // The client gets the primary's body bytes (chunk framing included) exactly as the primary sent them.
        Assert.Equal(BodyOf(direct), BodyOf(viaMirror));
        Assert.EndsWith("\r\n0\r\n\r\n", BodyOf(viaMirror), StringComparison.Ordinal);
        Assert.Equal(4, BodyOf(viaMirror).Split("\r\n").Count(line => line.Length > 0 && line.All(Uri.IsHexDigit)));
    }

    [Fact]
    public async Task Diff_TextBodiesDiffer_ByteComparison()
    {
        await using var h = await MirrorHarness.StartAsync(profileJson: Profile);
        h.Primary.Custom = Answer(_ => "price=12", contentType: "text/plain");
        h.Shadow!.Custom = Answer(_ => "price=13", chunked: true, contentType: "text/plain");

        var shadow = await OneShadowRecordAsync(h, "/api/price");

        Assert.Equal("differs", shadow.Keys["body_diff"]);
        Assert.Equal(1, shadow.Number("body_mismatch"));
    }

    [Fact]
    public async Task Diff_StatusDiffers_StatusDiffersMismatch()
    {
        await using var h = await MirrorHarness.StartAsync(profileJson: Profile);
        h.Primary.Custom = Answer(_ => """{"a": 1}""");
        h.Shadow!.Custom = Answer(_ => """{"a": 1}""", status: 500);

        var shadow = await OneShadowRecordAsync(h, "/api/price");

        Assert.Equal("status_differs", shadow.Keys["body_diff"]);
        Assert.Equal(1, shadow.Number("body_mismatch"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Diff_BodyOverTheLimit_TooLargeNotCompared(bool chunked)
    {
        var big = "{\"blob\": \"" + new string('x', 5000) + "\"}";
        await using var h = await MirrorHarness.StartAsync(profileJson: Profile);
        h.Primary.Custom = Answer(_ => big, chunked);
        h.Shadow!.Custom = Answer(_ => big);

        using (var r = await h.Client.GetAsync("/api/price"))
        {
            Assert.Equal(big, await r.Content.ReadAsStringAsync());
        }

        await Eventually.Until(() => h.ShadowRecords.Count == 1, "the shadow record");
        var shadow = Assert.Single(h.ShadowRecords);
        Assert.Equal("too_large", shadow.Keys["body_diff"]);
        Assert.True(double.IsNaN(shadow.Number("body_mismatch")));
        Assert.Equal(1, h.Tap.Counters.BodyDiffSkipped);
        Assert.Equal(0, h.Tap.Counters.BodiesCompared);
    }

    [Fact]
    public async Task Diff_RouteNotChosen_NoDiffFields()
    {
        await using var h = await MirrorHarness.StartAsync(profileJson: Profile);
        h.Primary.Custom = Answer(_ => """{"a": 1}""");
        h.Shadow!.Custom = Answer(_ => """{"a": 2}""");

        var shadow = await OneShadowRecordAsync(h, "/api/stock/1");

        Assert.False(shadow.Keys.ContainsKey("body_diff"));
        Assert.True(double.IsNaN(shadow.Number("body_mismatch")));
        Assert.Equal(0, h.Tap.Counters.BodiesCompared + h.Tap.Counters.BodyDiffSkipped);
    }

    [Fact]
    public async Task Diff_StreamListsNoDiffField_NothingCompared()
    {
        await using var h = await MirrorHarness.StartAsync(profileJson: Profile, fields: s =>
        {
            s.KeyFields.Remove("body_diff");
            s.NumericFields.Remove("body_mismatch");
        });
        h.Primary.Custom = Answer(_ => """{"a": 1}""");
        h.Shadow!.Custom = Answer(_ => """{"a": 2}""");

        var shadow = await OneShadowRecordAsync(h, "/api/price");

        Assert.Equal(0, h.Tap.Counters.BodiesCompared + h.Tap.Counters.BodyDiffSkipped);
        Assert.Equal("shadow 2xx", shadow.Keys["outcome"]);
    }

    [Fact]
    public async Task Diff_AmplifiedAndInjectedCopies_OnlyTheFirstUnperturbedCopyCompared()
    {
        const string profile = """
            {
              "service": { "name": "pricing" },
              "noise": { "errorRate": 0.5 },
              "scenarios": [ { "name": "peak", "amplification": 3 } ],
              "bodyDiff": { "routes": ["/api/price"] }
            }
            """;
        const int n = 40;
        await using var h = await MirrorHarness.StartAsync(profileJson: profile);
        h.Primary.Custom = Answer(_ => """{"a": 1}""");
        h.Shadow!.Custom = Answer(_ => """{"a": 1}""");

        for (var i = 0; i < n; i++)
        {
            using var r = await h.Client.GetAsync($"/api/price?i={i}");
        }

        await Eventually.Until(() => h.ShadowRecords.Count == 3 * n, "every copy recorded");
        var diffed = h.ShadowRecords.Where(r => r.Keys.ContainsKey("body_diff")).ToList();
        Assert.Equal(n, diffed.Count);
        var injected = diffed.Where(r => r.Number("shadow_injected_error") == 1).ToList();
        Assert.All(injected, r =>
        {
            Assert.Equal("injected", r.Keys["body_diff"]);
            Assert.True(double.IsNaN(r.Number("body_mismatch")));
        });
        Assert.All(diffed.Except(injected), r =>
        {
            Assert.Equal("equal", r.Keys["body_diff"]);
            Assert.Equal(0, r.Number("body_mismatch"));
        });
        Assert.InRange(injected.Count, 5, n - 5);
        Assert.Equal(0, h.Tap.Counters.BodyMismatches);
        Assert.Equal(n - injected.Count, h.Tap.Counters.BodiesCompared);
    }

    private static string BodyOf(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, response);
        return response[(end + 4)..];
    }

    private static async Task<string> RawDirectAsync(IPEndPoint endPoint, string request)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        await socket.SendAsync(Encoding.Latin1.GetBytes(request));
        return await MirrorHarness.ReadToCloseAsync(socket, TimeSpan.FromSeconds(10));
    }
}
