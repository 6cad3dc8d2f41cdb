using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror.Profiles;
using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Profiles;

public sealed class ShadowProfileLoaderTests
{
    private const string Full = """
        {
          // Comments and trailing commas are allowed: operators edit these by hand.
          "service": { "name": "checkout", "version": "2.4.1-canary", "labels": { "team": "payments" } },
          "resources": { "cpu": 0.25, "memory": 0.5, "replicas": 1 },
          "noise": { "delayMeanMs": 15, "delayStdDevMs": 4, "errorRate": 0.01 },
          "routes": [ "/api/checkout", "/api/cart" ],
          "scenarios": [
            { "name": "peak", "amplification": 2.5, "mix": { "/api/checkout": 2, "/api/cart": 0.5 } },
          ],
        }
        """;

    [Fact]
    public void Parse_FullProfile_EveryFieldRead()
    {
        var errors = new List<string>();

        var p = ShadowProfileLoader.Parse(Full, errors);

        Assert.Empty(errors);
        Assert.NotNull(p);
        Assert.Equal("checkout", p.Service.Name);
        Assert.Equal("payments", p.Service.Labels["team"]);
        Assert.Equal(0.25, p.Resources.Cpu);
        Assert.Equal(15, p.Noise.DelayMeanMs);
        Assert.Equal(0.01, p.Noise.ErrorRate);
        Assert.Equal(["/api/checkout", "/api/cart"], p.Routes);
        Assert.Equal(2.5, p.Scenarios[0].Amplification);
        Assert.Equal(2, p.Scenarios[0].Mix["/api/checkout"]);
    }

    [Theory]
    [InlineData("""{ "service": { "name": "a" }, "noise": { "errorRate": 1.5 } }""", "noise.errorRate: 1.5 is outside [0, 1].")]
    [InlineData("""{ "service": { "name": "a" }, "noise": { "delayMeanMs": -3 } }""", "noise.delayMeanMs: -3 is outside 0 to 600000.")]
    [InlineData("""{ "service": { "name": "" } }""", "service.name: the shadow's service needs a name.")]
    [InlineData("""{ "service": { "name": "a" }, "resources": { "cpu": 0 } }""", "resources.cpu: 0 is outside (0, 100] (a share of production's).")]
    [InlineData("""{ "service": { "name": "a" }, "scenarios": [ { "name": "x", "amplification": -1 } ] }""", "scenarios[0].amplification: -1 is outside 0 to 100.")]
    [InlineData("""{ "service": { "name": "a" }, "scenarios": [ { "name": "x" }, { "name": "x" } ] }""", "scenarios[1].name: 'x' is the name of another scenario.")]
    [InlineData("""{ "service": { "name": "a" }, "scenarios": [ { "name": "x", "mix": { "api": 1 } } ] }""", "scenarios[0].mix['api']: a route prefix starts with '/'.")]
    [InlineData("""{ "service": { "name": "a" }, "routes": [ "api" ] }""", "routes[0]: 'api' does not start with '/'.")]
    [InlineData("""{ "service": { "name": "a" }, "bodyDiff": { } }""", "bodyDiff.routes: list at least one route whose bodies are compared (or remove bodyDiff).")]
    [InlineData("""{ "service": { "name": "a" }, "bodyDiff": { "routes": ["api/price"] } }""", "bodyDiff.routes[0]: 'api/price' does not start with '/'.")]
    [InlineData("""{ "service": { "name": "a" }, "bodyDiff": { "routes": ["/api/*/price"] } }""", "bodyDiff.routes[0]: '/api/*/price' has a '*' before its end (only a trailing '*' is allowed: a prefix).")]
    [InlineData("""{ "service": { "name": "a" }, "bodyDiff": { "routes": ["/a", "/a*"] } }""", "bodyDiff.routes[1]: '/a*' is listed twice.")]
    [InlineData("""{ "service": { "name": "a" }, "bodyDiff": { "routes": ["/a"], "ignoreFields": ["ts", ""] } }""", "bodyDiff.ignoreFields[1]: a field name cannot be empty.")]
    [InlineData("""{ "service": { "name": "a" }, "bodyDiff": { "routes": ["/a"], "maxBodyBytes": 0 } }""", "bodyDiff.maxBodyBytes: 0 is outside 1 to 16777216.")]
    public void Parse_BadValue_ErrorNamesTheField(string json, string expected)
    {
        var errors = new List<string>();

        var p = ShadowProfileLoader.Parse(json, errors);

        Assert.Null(p);
        Assert.Equal(expected, Assert.Single(errors));
    }

    [Theory]
    [InlineData("""{ "service": { "name": "a" }, "noize": {} }""", "noize")]
    [InlineData("""{ "service": { "name": "a" }, "noise": { "errorRate": "high" } }""", "noise.errorRate")]
    [InlineData("""{ "service": { "name": "a" """, "service")]
    [InlineData("""{ "service": { "name": "a" }, "bodyDiff": { "routes": ["/a"], "maxBody": 10 } }""", "bodyDiff.maxBody")]
    [InlineData("""{ "service": { "name": "a" }, "bodyDiff": { "routes": "/a" } }""", "bodyDiff.routes")]
    public void Parse_UnknownOrMistypedField_ErrorStartsWithThePath(string json, string field)
    {
        var errors = new List<string>();

        Assert.Null(ShadowProfileLoader.Parse(json, errors));

        Assert.StartsWith(field, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BodyDiff_Read()
    {
        var errors = new List<string>();
        var p = ShadowProfileLoader.Parse("""
            { "service": { "name": "a" }, "bodyDiff": { "routes": ["/api/price", "/api/cart/*"], "ignoreFields": ["ts", "request_id"], "maxBodyBytes": 1000 } }
            """, errors);

        Assert.Empty(errors);
        Assert.Equal(["/api/price", "/api/cart/*"], p!.BodyDiff!.Routes);
        Assert.Equal(["ts", "request_id"], p.BodyDiff.IgnoreFields);
        Assert.Equal(1000, p.BodyDiff.MaxBodyBytes);
    }

    [Fact]
    public void Start_BadBodyDiff_FailsNamingTheKey()
    {
        var path = Path.Combine(Path.GetTempPath(), $"shadow-profile-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "service": { "name": "a" }, "bodyDiff": { "routes": ["price"] } }""");
        try
        {
            var stream = MirrorHarness.Options("127.0.0.1:1", "127.0.0.1:2", m => m.ProfilePath = path);
            stream.Tap.Address = "127.0.0.1:0";
            var e = Assert.Throws<InvalidOperationException>(() => MirrorTap.Start(stream, new CollectingSinks(stream), NullLoggerFactory.Instance));
            Assert.Contains("bodyDiff.routes[0]: 'price' does not start with '/'.", e.Message, StringComparison.Ordinal);
            Assert.Contains("Tap:Mirror:ProfilePath", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Start_ScenarioNotInProfile_FailsNamingTheKey()
    {
        var path = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Full);
        try
        {
            var stream = MirrorHarness.Options("127.0.0.1:1", "127.0.0.1:2", m =>
            {
                m.ProfilePath = path;
                m.Scenario = "black-friday";
            });

            var e = Assert.Throws<InvalidOperationException>(() => MirrorTap.Start(stream, new CollectingSinks(stream), NullLoggerFactory.Instance));

            Assert.Contains("Tap:Mirror:Scenario: scenario 'black-friday' is not in the profile (it has: peak).", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Start_ProfileMissing_FailsNamingThePath()
    {
        var stream = MirrorHarness.Options("127.0.0.1:1", "127.0.0.1:2", m => m.ProfilePath = "/nonexistent/shadow.json");

        var e = Assert.Throws<InvalidOperationException>(() => MirrorTap.Start(stream, new CollectingSinks(stream), NullLoggerFactory.Instance));

        Assert.Contains("Tap:Mirror:ProfilePath '/nonexistent/shadow.json': cannot read the profile", e.Message, StringComparison.Ordinal);
    }
}
