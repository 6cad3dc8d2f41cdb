using System.Net;
using System.Text.Json;
using Grpc.Core;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Tests;

/// <summary>Profiles whose features vary from window to window (fixed seed), and the model API's calls.</summary>
internal static class ModelTestData
{
    /// <summary>Small models, so a training takes milliseconds.</summary>
    public static readonly string[] FastTraining =
    [
        "--Aggregator:Models:MinProfiles=20",
        "--Aggregator:Models:ForestTrees=3",
        "--Aggregator:Models:AutoencoderEpochs=10",
    ];

    public static ShadowProfile[] Profiles(int first, int count, int seed = 7, string stream = "orders")
    {
        var random = new Random(seed + first);
        var profiles = new ShadowProfile[count];
        for (var i = 0; i < count; i++)
        {
            var records = (ulong)random.Next(80, 120);
            var profile = Agents.Profile(first + i, records, stream);
            profile.Numeric[0].Mean = 15 + (random.NextDouble() * 10);
            profile.Numeric[0].P50 = profile.Numeric[0].Mean * 0.9;
            profile.Numeric[0].P99 = profile.Numeric[0].Mean * 4;
            profile.Numeric[0].Ddsketch = Google.Protobuf.ByteString.CopyFrom(1, 2, 3);
            profile.Keys.Add(new KeyProfile
            {
                Field = "user", Present = records, Distinct = random.Next(20, 40),
                Skew = new SkewSummary { Top1Share = random.NextDouble() * 0.2, NormalizedEntropy = 0.8 + (random.NextDouble() * 0.2) },
            });
            profiles[i] = profile;
        }

        return profiles;
    }

    /// <summary>Connects as <paramref name="hello"/>'s agent and stores <paramref name="count"/> windows in one batch.</summary>
    public static async Task<AsyncDuplexStreamingCall<AgentMessage, AggregatorMessage>> StoreAsync(TestAggregator aggregator, Hello hello, int first, int count, ulong sequence = 1)
    {
        var (call, _) = await aggregator.ConnectAsync(hello);
        await Agents.SendBatchAsync(call, sequence, Profiles(first, count));
        return call;
    }

    public static async Task<JsonElement> RetrainAsync(TestAggregator aggregator, string query, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await aggregator.Http.PostAsync(new Uri("/api/v1/models/retrain" + query, UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"retrain{query}: {response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The next model update on the agent's stream (acks and other messages skipped).</summary>
    public static async Task<ModelUpdate> NextModelUpdateAsync(AsyncDuplexStreamingCall<AgentMessage, AggregatorMessage> call)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (call.ResponseStream.Current.BodyCase == AggregatorMessage.BodyOneofCase.ModelUpdate)
            {
                return call.ResponseStream.Current.ModelUpdate;
            }
        }

        throw new InvalidOperationException("stream ended without a model update");
    }

    public static Hello ModelHello(string hostId = "host-a", ulong epoch = 0xC0FFEE)
    {
        var hello = Agents.Hello(hostId, epoch);
        hello.Capabilities.Add("models.onnx");
        return hello;
    }
}
