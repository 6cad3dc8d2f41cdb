using System.Net;
using System.Net.Sockets;
using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Proxy;

public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task Connect_BeyondMaxConnections_ClosedUnansweredCountedAndAdmittedOnceOneEnds()
    {
        await using var h = await MirrorHarness.StartAsync(fields: s => s.Tap.MaxConnections = 1);
        using (var held = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await held.ConnectAsync(h.Tap.LocalEndPoint);

            // The shadow's sink is opened at start; the held connection opens the second.
            await Eventually.Until(() => h.Sinks.Opened == 2, "the held connection is admitted");

            var answer = await h.RawAsync("GET /over HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.Equal("", answer);
            Assert.Equal(1, h.Sinks.Rejected);
            Assert.Empty(h.Primary.Received);
        }

        await Eventually.Until(() => h.Sinks.Closed == 1, "the held connection ends");
        using var response = await h.Client.GetAsync(new Uri("/after", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, h.Sinks.Rejected);
    }
}
