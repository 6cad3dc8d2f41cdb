using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ShadowAgent.Aggregator.Api;
using ShadowAgent.Aggregator.Hosting;

namespace ShadowAgent.EndToEnd.Tests.Harness;

/// <summary>The real aggregator application on loopback with its own SQLite file, and an API client.</summary>
internal sealed class RunningAggregator : IAsyncDisposable
{
    private RunningAggregator(WebApplication app)
    {
        App = app;
        var endpoints = app.Services.GetRequiredService<ListenEndpoints>();
        GrpcUri = endpoints.GrpcUri;
        Api = new HttpClient { BaseAddress = endpoints.HttpUri };
    }

    public WebApplication App { get; }

    public Uri GrpcUri { get; }

    public HttpClient Api { get; }

    public static async Task<RunningAggregator> StartAsync(string directory, int grpcPort = 0, params string[] extra)
    {
        var app = AggregatorHost.Build(
        [
            $"--Aggregator:GrpcListen=127.0.0.1:{grpcPort}",
            "--Aggregator:HttpListen=127.0.0.1:0",
            $"--Aggregator:DatabasePath={Path.Combine(directory, "shadow.db")}",
            "--Logging:LogLevel:Default=Warning",
            .. extra,
        ]);
        await app.StartAsync();
        return new RunningAggregator(app);
    }

    public async Task<StreamInfo?> StreamAsync(string host, string stream)
    {
        var list = await Api.GetFromJsonAsync("/api/v1/streams", ApiJsonContext.Default.StreamList);
        return list!.Streams.SingleOrDefault(s => s.Host == host && s.Name == stream);
    }

    public async Task<IReadOnlyList<ProfileInfo>> ProfilesAsync(string host, string stream)
    {
        var list = await Api.GetFromJsonAsync($"/api/v1/streams/{host}/{stream}/profiles?limit=1000", ApiJsonContext.Default.ProfileList);
        return list!.Profiles;
    }

    /// <summary>Polls the API until the stream's stored records reach <paramref name="records"/> or the deadline passes.</summary>
    public async Task<StreamInfo> WaitForRecordsAsync(string host, string stream, long records, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        StreamInfo? info = null;
        while (DateTime.UtcNow < deadline)
        {
            info = await StreamAsync(host, stream);
            if (info is not null && info.Totals.Records >= records)
            {
                return info;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"stream {host}/{stream} stored {info?.Totals.Records ?? 0} of {records} records within {timeout}");
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
