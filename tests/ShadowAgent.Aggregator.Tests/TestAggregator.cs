using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Aggregator.Hosting;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Tests;

/// <summary>The real aggregator on loopback ports chosen by the OS, with a database in a temp directory.</summary>
internal sealed class TestAggregator : IAsyncDisposable
{
    private TestAggregator(WebApplication app, string directory)
    {
        App = app;
        Directory = directory;
        var endpoints = app.Services.GetRequiredService<ListenEndpoints>();
        Channel = GrpcChannel.ForAddress(endpoints.GrpcUri);
        Client = new AgentLink.AgentLinkClient(Channel);
        Http = new HttpClient { BaseAddress = endpoints.HttpUri };
    }

    public WebApplication App { get; }

    public string Directory { get; }

    public string DatabasePath => Path.Combine(Directory, "shadow.db");

    public GrpcChannel Channel { get; }

    public AgentLink.AgentLinkClient Client { get; }

    public HttpClient Http { get; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>GETs an API path, asserts the status (the body is in the message when it differs) and parses the JSON.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "shadow-agg-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    public static string[] Args(string directory, params string[] extra) =>
    [
        "--Aggregator:GrpcListen=127.0.0.1:0",
        "--Aggregator:HttpListen=127.0.0.1:0",
        $"--Aggregator:DatabasePath={Path.Combine(directory, "shadow.db")}",
        "--Logging:LogLevel:Default=Warning",
        .. extra,
    ];

    public static async Task<TestAggregator> StartAsync(string? directory = null, TimeProvider? time = null, params string[] extra)
    {
        directory ??= NewDirectory();
        // The clock defaults to shortly after the test profiles' windows, so the pruner that runs at start
        // never deletes them whatever the machine's date.
        time ??= new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Agents.T0) + TimeSpan.FromHours(1));
        var app = AggregatorHost.Build(Args(directory, extra), builder => builder.Services.AddSingleton(time));
        await app.StartAsync();
        return new TestAggregator(app, directory);
    }

    /// <summary>Opens an agent stream, sends Hello and returns the call with the Welcome it got.</summary>
    public async Task<(AsyncDuplexStreamingCall<AgentMessage, AggregatorMessage> Call, Welcome Welcome)> ConnectAsync(Hello hello)
    {
        var call = Client.Connect();
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = hello });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "no welcome");
        Assert.Equal(AggregatorMessage.BodyOneofCase.Welcome, call.ResponseStream.Current.BodyCase);
        return (call, call.ResponseStream.Current.Welcome);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
