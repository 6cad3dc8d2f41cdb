using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Mirror.Tests.Support;

/// <summary>A primary and a shadow (real Kestrel servers) with a mirror in front, all on loopback.</summary>
internal sealed class MirrorHarness : IAsyncDisposable
{
    private readonly List<string> _files = [];

    private MirrorHarness(HttpServer primary, HttpServer? shadow, MirrorTap tap, CollectingSinks sinks, StreamOptions stream)
    {
        Primary = primary;
        Shadow = shadow;
        Tap = tap;
        Sinks = sinks;
        Stream = stream;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://{tap.LocalEndPoint}"),
        };
    }

    public HttpServer Primary { get; }

    public HttpServer? Shadow { get; }

    public MirrorTap Tap { get; }

    public CollectingSinks Sinks { get; }

    public StreamOptions Stream { get; }

    public HttpClient Client { get; }

    public static StreamOptions Options(string primary, string shadow, Action<MirrorOptions>? configure = null)
    {
        var stream = new StreamOptions
        {
            Name = "checkout-mirror",
            Tap = new TapOptions { Kind = TapKinds.HttpMirror, Address = "127.0.0.1:0" },
            KeyFields = [.. MirrorFields.Keys],
            NumericFields = [.. MirrorFields.Numbers],
        };
        stream.Tap.Mirror.Primary = primary;
        stream.Tap.Mirror.Shadow = shadow;
        stream.Tap.Mirror.Rate = 1;
        configure?.Invoke(stream.Tap.Mirror);
        return stream;
    }

    /// <summary>Starts both servers and the mirror; <paramref name="profileJson"/> becomes the shadow instance profile.</summary>
    public static async Task<MirrorHarness> StartAsync(Action<MirrorOptions>? configure = null, string? profileJson = null, bool shadowUp = true, int seed = 42, Action<StreamOptions>? fields = null, TimeProvider? time = null)
    {
        var primary = await HttpServer.StartAsync();
        var shadow = shadowUp ? await HttpServer.StartAsync() : null;
        var shadowAddress = shadow?.Address ?? $"127.0.0.1:{ClosedPort()}";
        string? profilePath = null;
        if (profileJson is not null)
        {
            profilePath = Path.Combine(Path.GetTempPath(), $"shadow-profile-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(profilePath, profileJson);
        }

        var stream = Options(primary.Address, shadowAddress, m =>
        {
            if (profilePath is not null)
            {
                m.ProfilePath = profilePath;
            }

            configure?.Invoke(m);
        });
        fields?.Invoke(stream);
        var sinks = new CollectingSinks(stream);
        var tap = MirrorTap.Start(stream, sinks, NullLoggerFactory.Instance, time ?? TimeProvider.System, seed);
        var harness = new MirrorHarness(primary, shadow, tap, sinks, stream);
        if (profilePath is not null)
        {
            harness._files.Add(profilePath);
        }

        return harness;
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Sends raw bytes on a new connection and reads until the server closes it (or the deadline).</summary>
    public async Task<string> RawAsync(string request, TimeSpan? timeout = null) => await RawAsync(Encoding.Latin1.GetBytes(request), timeout);

    public async Task<string> RawAsync(byte[] request, TimeSpan? timeout = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Tap.LocalEndPoint);
        await socket.SendAsync(request);
        return await ReadToCloseAsync(socket, timeout ?? TimeSpan.FromSeconds(10));
    }

    public static async Task<string> ReadToCloseAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[65536];
        var all = new MemoryStream();
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                all.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset after the answer still leaves the answer.
        }

        return Encoding.Latin1.GetString(all.ToArray());
    }

    public IReadOnlyList<MirrorRecord> PrimaryRecords => [.. Sinks.Records.Where(r => !r.IsShadow)];

    public IReadOnlyList<MirrorRecord> ShadowRecords => [.. Sinks.Records.Where(r => r.IsShadow)];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Tap.DisposeAsync();
        await Primary.DisposeAsync();
        if (Shadow is not null)
        {
            await Shadow.DisposeAsync();
        }

        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }
}
