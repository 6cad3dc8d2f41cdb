using ShadowAgent.Core.Streams;
using ShadowAgent.Mirror.Tests.Support;

namespace ShadowAgent.Mirror.Tests.Profiles;

public sealed class MirrorOptionsValidationTests
{
    [Fact]
    public void Validate_GoodMirrorStream_NoErrors()
    {
        var stream = MirrorHarness.Options("127.0.0.1:8081", "127.0.0.1:8082");
        stream.Tap.Address = "127.0.0.1:8080";

        Assert.Empty(Validate(stream));
    }

    [Theory]
    [InlineData("Primary", "Agent:Streams:0:Tap:Mirror:Primary: 'shop:80' is not an ip:port (for example 127.0.0.1:8081).")]
    [InlineData("Rate", "Agent:Streams:0:Tap:Mirror:Rate: 1.5 is outside [0, 1].")]
    [InlineData("Mode", "Agent:Streams:0:Tap:Mirror:Mode: 'sticky' is not a known sampling mode (known: random, hash).")]
    [InlineData("HashOn", "Agent:Streams:0:Tap:Mirror:HashOn: 'cookie:x' is neither 'path' nor 'header:Name' with a header name.")]
    [InlineData("QueueCapacity", "Agent:Streams:0:Tap:Mirror:QueueCapacity: 0 is outside 1 to 1000000.")]
    [InlineData("ProfilePath", "Agent:Streams:0:Tap:Mirror:ProfilePath: 'shadow.json' is not an absolute path.")]
    [InlineData("KeyFields", "Agent:Streams:0:KeyFields:0: 'user.id' is not a field the http mirror emits (known: path, route, method, status, status_class, outcome, scenario, body_diff).")]
    [InlineData("Breaker:Failures", "Agent:Streams:0:Tap:Mirror:Breaker:Failures: -1 is outside 0 to 1000.")]
    [InlineData("Breaker:OpenFor", "Agent:Streams:0:Tap:Mirror:Breaker:OpenFor: 00:00:00 is outside (00:00:00, 01:00:00].")]
    [InlineData("Breaker:MaxOpenFor", "Agent:Streams:0:Tap:Mirror:Breaker:MaxOpenFor: 00:00:00.5000000 is outside [00:00:01, 01:00:00] (at least OpenFor).")]
    [InlineData("Breaker:Jitter", "Agent:Streams:0:Tap:Mirror:Breaker:Jitter: 1 is outside [0, 1).")]
    public void Validate_BadSetting_ErrorNamesTheKey(string setting, string expected)
    {
        var stream = MirrorHarness.Options("127.0.0.1:8081", "127.0.0.1:8082");
        stream.Tap.Address = "127.0.0.1:8080";
        var m = stream.Tap.Mirror;
        switch (setting)
        {
            case "Primary": m.Primary = "shop:80"; break;
            case "Rate": m.Rate = 1.5; break;
            case "Mode": m.Mode = "sticky"; break;
            case "HashOn": m.Mode = SamplingModes.Hash; m.HashOn = "cookie:x"; break;
            case "QueueCapacity": m.QueueCapacity = 0; break;
            case "ProfilePath": m.ProfilePath = "shadow.json"; break;
            case "KeyFields": stream.KeyFields = ["user.id"]; break;
            case "Breaker:Failures": m.Breaker.Failures = -1; break;
            case "Breaker:OpenFor": m.Breaker.OpenFor = TimeSpan.Zero; break;
            case "Breaker:MaxOpenFor": m.Breaker.MaxOpenFor = TimeSpan.FromMilliseconds(500); break;
            case "Breaker:Jitter": m.Breaker.Jitter = 1; break;
        }

        Assert.Equal(expected, Assert.Single(Validate(stream)));
    }

    [Fact]
    public void Validate_UnknownTapKind_ListsHttpMirror()
    {
        var stream = MirrorHarness.Options("127.0.0.1:8081", "127.0.0.1:8082");
        stream.Tap.Kind = "http";
        stream.Tap.Address = "127.0.0.1:8080";

        Assert.Contains("Agent:Streams:0:Tap:Kind: 'http' is not a known tap (known: tcp, unix, file, forward, probe, http-mirror).", Validate(stream));
    }

    private static List<string> Validate(StreamOptions stream)
    {
        var errors = new List<string>();
        StreamOptionsValidator.Validate([stream], "Agent:Streams", errors);
        return errors;
    }
}
