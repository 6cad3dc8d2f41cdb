using System.Collections;
using ShadowAgent.Agent.Configuration;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Agent.Tests.Configuration;

public sealed class MirrorConfigTests
{
    private static readonly string[] MirrorStream =
    [
        "--Agent:Streams:0:Name=checkout-mirror",
        "--Agent:Streams:0:Tap:Kind=http-mirror",
        "--Agent:Streams:0:Tap:Address=127.0.0.1:8080",
        "--Agent:Streams:0:Tap:Mirror:Primary=127.0.0.1:8081",
        "--Agent:Streams:0:Tap:Mirror:Shadow=127.0.0.1:8082",
        "--Agent:Streams:0:KeyFields:0=path",
        "--Agent:Streams:0:KeyFields:1=outcome",
        "--Agent:Streams:0:NumericFields:0=primary_latency_ms",
        "--Agent:Streams:0:NumericFields:1=shadow_latency_ms",
    ];

    [Fact]
    public void Load_MirrorStream_BoundFromTheCommandLine()
    {
        var (options, errors) = AgentConfig.Load([.. MirrorStream, "--Agent:Streams:0:Tap:Mirror:Rate=0.25", "--Agent:Streams:0:Tap:Mirror:HashOn=header:X-User", "--Agent:Streams:0:Tap:Mirror:Mode=hash"], new Hashtable(), "/nonexistent/agent.json");

        Assert.Empty(errors);
        var mirror = Assert.Single(options!.Streams).Tap.Mirror;
        Assert.Equal(TapKinds.HttpMirror, options.Streams[0].Tap.Kind);
        Assert.Equal("127.0.0.1:8081", mirror.Primary);
        Assert.Equal(0.25, mirror.Rate);
        Assert.Equal("header:X-User", mirror.HashOn);
    }

    [Fact]
    public void Load_Breaker_Bound()
    {
        var (options, errors) = AgentConfig.Load([.. MirrorStream, "--Agent:Streams:0:Tap:Mirror:Breaker:Failures=3", "--Agent:Streams:0:Tap:Mirror:Breaker:OpenFor=00:00:02"], new Hashtable(), "/nonexistent/agent.json");

        Assert.Empty(errors);
        var mirror = Assert.Single(options!.Streams).Tap.Mirror;
        Assert.Equal(3, mirror.Breaker.Failures);
        Assert.Equal(TimeSpan.FromSeconds(2), mirror.Breaker.OpenFor);
    }

    [Fact]
    public void Load_BreakerKeyTypo_NamedWithFullPath()
    {
        var (options, errors) = AgentConfig.Load([.. MirrorStream, "--Agent:Streams:0:Tap:Mirror:Breaker:Failure=3"], new Hashtable(), "/nonexistent/agent.json");

        Assert.Null(options);
        Assert.Contains("Agent:Streams:0:Tap:Mirror:Breaker:Failure: is not a known setting.", errors);
    }

    [Fact]
    public void Load_MirrorKeyTypo_NamedWithFullPath()
    {
        var (options, errors) = AgentConfig.Load([.. MirrorStream, "--Agent:Streams:0:Tap:Mirror:Shaddow=x"], new Hashtable(), "/nonexistent/agent.json");

        Assert.Null(options);
        Assert.Contains("Agent:Streams:0:Tap:Mirror:Shaddow: is not a known setting.", errors);
    }

    [Fact]
    public void Load_InvalidProfile_NamedByKeyAndField()
    {
        var path = Path.Combine(Path.GetTempPath(), $"shadow-profile-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "service": { "name": "checkout" }, "noise": { "errorRate": 2 } }""");
        try
        {
            var (options, errors) = AgentConfig.Load([.. MirrorStream, $"--Agent:Streams:0:Tap:Mirror:ProfilePath={path}"], new Hashtable(), "/nonexistent/agent.json");

            Assert.Null(options);
            Assert.Equal([$"Agent:Streams:0:Tap:Mirror:ProfilePath: '{path}': noise.errorRate: 2 is outside [0, 1]."], errors);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
