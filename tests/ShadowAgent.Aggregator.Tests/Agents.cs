using Grpc.Core;
using ShadowAgent.Protocol.V1;

namespace ShadowAgent.Aggregator.Tests;

/// <summary>Builders for what a test agent sends.</summary>
internal static class Agents
{
    public const long T0 = 1_760_000_000_000;

    public static Hello Hello(string hostId = "host-a", ulong epoch = 0xC0FFEE) => new()
    {
        HostId = hostId,
        HostName = hostId + ".example",
        AgentVersion = "0.1.0-test",
        ProtocolVersion = 1,
        SessionEpoch = epoch,
        AgentStartUnixMs = T0,
        Capabilities = { "profiles.v1", "resize.cgroup2" },
        Resources = new HostResources { LogicalCpus = 4, MemoryBytes = 8L << 30, Os = "linux", Architecture = "x64", CgroupMode = "v2" },
        Streams =
        {
            new StreamDescriptor
            {
                Name = "orders", Tap = "tcp", Address = "127.0.0.1:7410", Format = "ndjson",
                KeyFields = { "user" }, NumericFields = { "latency_ms" }, WindowMs = 10_000,
            },
        },
    };

    public static ShadowProfile Profile(long windowIndex, ulong records = 100, string stream = "orders") => new()
    {
        Stream = stream,
        WindowStartUnixMs = T0 + (windowIndex * 10_000),
        WindowEndUnixMs = T0 + ((windowIndex + 1) * 10_000),
        CoveredMs = 10_000,
        Volume = new VolumeCounters { Records = records, Bytes = records * 50, Parsed = records - 1, Malformed = 1, RatePerSecond = records / 10.0 },
        Numeric = { new NumericSummary { Field = "latency_ms", Count = records - 1, Min = 1, Max = 250.5, Mean = 20, Sum = 20 * (records - 1) } },
    };

    public static AgentMessage Batch(ulong sequence, params ShadowProfile[] profiles) =>
        new() { Profiles = new ProfileBatch { Sequence = sequence, Profiles = { profiles } } };

    public static async Task<Ack> SendBatchAsync(AsyncDuplexStreamingCall<AgentMessage, AggregatorMessage> call, ulong sequence, params ShadowProfile[] profiles)
    {
        await call.RequestStream.WriteAsync(Batch(sequence, profiles));
        return await NextAckAsync(call);
    }

    public static async Task<Ack> NextAckAsync(AsyncDuplexStreamingCall<AgentMessage, AggregatorMessage> call)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (call.ResponseStream.Current.BodyCase == AggregatorMessage.BodyOneofCase.Ack)
            {
                return call.ResponseStream.Current.Ack;
            }
        }

        throw new InvalidOperationException("stream ended without an ack");
    }

    /// <summary>Ends the agent's side and waits until the aggregator has finished the call.</summary>
    public static async Task CloseAsync(AsyncDuplexStreamingCall<AgentMessage, AggregatorMessage> call)
    {
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }
    }
}
