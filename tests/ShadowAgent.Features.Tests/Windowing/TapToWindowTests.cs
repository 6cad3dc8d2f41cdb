using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Hashing;
using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Tests.Windowing.Support;
using ShadowAgent.Taps.Sockets;
using static ShadowAgent.Features.Tests.Windowing.Support.Shadow;

namespace ShadowAgent.Features.Tests.Windowing;

/// <summary>
/// NDJSON written to a real loopback socket: the tap's extractor and shape recorder feed the windows, whose clock
/// the test drives. The profile is checked against what was written.
/// </summary>
public sealed class TapToWindowTests
{
    private static readonly TimeSpan W = TimeSpan.FromSeconds(10);

    private static StreamOptions Options() => new()
    {
        Name = "orders",
        Tap = new TapOptions { Kind = TapKinds.Tcp, Address = "127.0.0.1:0" },
        Window = W,
        KeyFields = ["user.id", "route"],
        NumericFields = ["latency_ms"],
        EventTime = { Field = "ts", AllowedLateness = TimeSpan.FromSeconds(2) },
        Sketches = { TopK = 5 },
    };

    private static async Task SendAsync(SocketTap tap, string text)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(tap.LocalEndPoint);
        var data = Encoding.UTF8.GetBytes(text);
        for (var sent = 0; sent < data.Length;)
        {
            sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None);
        }

        socket.Shutdown(SocketShutdown.Send);

        // The tap closes its side once it has parsed everything.
        var buffer = new byte[1];
        while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
        {
        }
    }

    private static string Ts(double seconds) => (T0 + TimeSpan.FromSeconds(seconds)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task SocketTap_RealRecords_ProfileCountsKeysTextsTimesAndSchemaExactly()
    {
        var (windows, time) = Start(Options(), T0 + TimeSpan.FromSeconds(1));
        await using var tap = SocketTap.Start(Options(), windows, NullLoggerFactory.Instance);

        // Routes: five heavy ones (one long, with a two-byte character across byte 64) over a tail.
        var longRoute = "/api/" + new string('r', 58) + "é/items";
        string[] heavy = ["/a", "/b", "/checkout", "/ünïcödé", longRoute];
        var first = new StringBuilder();
        var routeCounts = new Dictionary<string, int>();
        var users = new HashSet<string>();
        double latencySum = 0;
        var random = new Random(17);
        const int Records = 20_000;
        for (var i = 0; i < Records; i++)
        {
            var r = (i % 10) switch
            {
                0 or 1 => heavy[0],
                < 6 => heavy[(i % 10) - 1],
                _ => "/tail/" + random.Next(3000),
            };
            routeCounts[r] = routeCounts.GetValueOrDefault(r) + 1;
            var u = "u" + random.Next(5000);
            users.Add(u);
            var latency = Math.Round(random.NextDouble() * 100, 3);
            latencySum += latency;
            var routeJson = r.Replace("é", "\\u00e9", StringComparison.Ordinal);
            first.Append($$"""{"ts":"{{Ts(0.5 + (i % 9))}}","user":{"id":"{{u}}"},"route":"{{routeJson}}","latency_ms":{{latency.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""").Append('\n');
        }

        // A second producer: a new field, times missing, unreadable and far ahead, and two bad records.
        var second = new StringBuilder()
            .Append("""{"user":{"id":"u-extra"},"route":"/b","latency_ms":1,"region":"eu"}""").Append('\n')
            .Append("""{"ts":"not a time","user":{"id":"u-extra"},"route":"/b","latency_ms":1,"region":"eu"}""").Append('\n')
            .Append($$"""{"ts":"{{Ts(45)}}","user":{"id":"u-extra"},"route":"/b","latency_ms":1,"region":"us"}""").Append('\n')
            .Append("""{"ts":"\ud800","route":"/b"}""").Append('\n')
            .Append("""{"route":"/b",""").Append('\n');

        await Task.WhenAll(SendAsync(tap, first.ToString()), SendAsync(tap, second.ToString()));
        await Eventually.Until(() => windows.OpenConnections == 0, "both connections are closed");
        time.Set(T0 + W + TimeSpan.FromSeconds(2));

        var p = Assert.Single(windows.CloseDue(time.GetUtcNow()));

        Assert.Equal(Records + 3, p.Volume.Parsed);
        Assert.Equal(2, p.Volume.Malformed);
        Assert.Equal(2, p.Volume.MissingEventTime);
        Assert.Equal(1, p.Volume.FutureEventTime);
        Assert.Equal(0, p.Volume.LateRecords);
        Assert.Equal(2, p.Volume.ConnectionsAccepted);
        Assert.Equal(Encoding.UTF8.GetByteCount(first.ToString()) + Encoding.UTF8.GetByteCount(second.ToString()), p.Volume.Bytes);
        Assert.Equal(Records + 3, p.Numeric[0].Count);
        Assert.Equal(latencySum + 3, p.Numeric[0].Sum, 1e-6);

        var user = p.Keys[0];
        Assert.Equal(Records + 3, user.Present);
        var distinct = users.Count + 1;
        Assert.InRange(user.Distinct, distinct * (1 - (3 * HllSigma(11))), distinct * (1 + (3 * HllSigma(11))));

        // The five heavy routes, by count, each with its exact count, its hash and its text (cut before the 'é').
        var route = p.Keys[1];
        routeCounts["/b"] += 3;
        var expected = routeCounts.OrderByDescending(e => e.Value).Take(5).ToList();
        Assert.Equal(heavy.Order(StringComparer.Ordinal), expected.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(5, route.Top.Count);
        foreach (var h in route.Top)
        {
            var (value, count) = expected.Single(e => (long)KeyHash.Of(Encoding.UTF8.GetBytes(e.Key)) == h.Item);
            Assert.InRange(count, h.LowerBound, h.UpperBound);
            Assert.Equal(value == longRoute ? longRoute[..63] : value, h.Value);
        }

        // The real shape recorder: every path with its record count and types, most common first.
        var schema = p.Schema!;
        Assert.Equal(Records + 3, schema.Records);
        Assert.Equal(
            [
                ("latency_ms", Records + 3L, JsonTypes.Number), ("route", Records + 3L, JsonTypes.String),
                ("user", Records + 3L, JsonTypes.Object), ("user.id", Records + 3L, JsonTypes.String),
                ("ts", Records + 2L, JsonTypes.String), ("region", 3L, JsonTypes.String),
            ],
            schema.Fields.Select(f => (f.Path, f.Records, f.Types)));
        Assert.Empty(schema.Drift);
    }
}
