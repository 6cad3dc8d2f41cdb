using System.Collections;
using ShadowAgent.Agent.Configuration;

namespace ShadowAgent.Agent.Tests.Configuration;

public sealed class ForwardSecurityConfigTests
{
    private static readonly string[] ForwardStream =
    [
        "--Agent:Streams:0:Name=fluent",
        "--Agent:Streams:0:Tap:Kind=forward",
        "--Agent:Streams:0:Tap:Address=127.0.0.1:24224",
        "--Agent:Streams:0:Tap:Security:SharedKey=s3cret",
        "--Agent:Streams:0:Tap:Security:SelfHostname=agent-1",
        "--Agent:Streams:0:Tap:Security:HandshakeTimeout=00:00:02",
        "--Agent:Streams:0:Tap:Security:Users:0:Username=fluent-bit",
        "--Agent:Streams:0:Tap:Security:Users:0:Password=pw",
    ];

    [Fact]
    public void Load_ForwardSecurity_BoundFromTheCommandLine()
    {
        var (options, errors) = AgentConfig.Load(ForwardStream, new Hashtable(), "/nonexistent/agent.json");

        Assert.Empty(errors);
        var security = Assert.Single(options!.Streams).Tap.Security;
        Assert.True(security.Enabled);
        Assert.Equal("s3cret", security.SharedKey);
        Assert.Equal("agent-1", security.SelfHostname);
        Assert.Equal(TimeSpan.FromSeconds(2), security.HandshakeTimeout);
        var user = Assert.Single(security.Users);
        Assert.Equal(("fluent-bit", "pw"), (user.Username, user.Password));
    }

    [Fact]
    public void Load_SecurityKeyTypos_NamedWithFullPath()
    {
        var (options, errors) = AgentConfig.Load(
            [.. ForwardStream, "--Agent:Streams:0:Tap:Security:SharedKy=x", "--Agent:Streams:0:Tap:Security:Users:0:Pasword=x"], new Hashtable(), "/nonexistent/agent.json");

        Assert.Null(options);
        Assert.Contains("Agent:Streams:0:Tap:Security:SharedKy: is not a known setting.", errors);
        Assert.Contains("Agent:Streams:0:Tap:Security:Users:0:Pasword: is not a known setting.", errors);
    }
}
