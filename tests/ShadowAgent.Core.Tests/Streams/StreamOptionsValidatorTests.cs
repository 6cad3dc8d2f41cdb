using ShadowAgent.Core.Streams;

namespace ShadowAgent.Core.Tests.Streams;

public sealed class StreamOptionsValidatorTests
{
    private static StreamOptions Valid(string name = "orders", string address = "127.0.0.1:7410") => new()
    {
        Name = name,
        Tap = new TapOptions { Kind = TapKinds.Tcp, Address = address },
        KeyFields = ["user.id", "route"],
        NumericFields = ["latency_ms"],
        Window = TimeSpan.FromSeconds(10),
    };

    private static List<string> Validate(params StreamOptions[] streams)
    {
        var errors = new List<string>();
        StreamOptionsValidator.Validate(streams, "Agent:Streams", errors);
        return errors;
    }

    [Fact]
    public void Validate_ValidStreams_NoErrors()
    {
        Assert.Empty(Validate(Valid(), Valid("audit", "[::1]:7411")));
    }

    [Fact]
    public void Validate_BadAddress_NamesTheKey()
    {
        var s = Valid();
        s.Tap.Address = "300.1.1.1:99";
        var error = Assert.Single(Validate(s));
        Assert.StartsWith("Agent:Streams:0:Tap:Address: '300.1.1.1:99'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("7410")]
    [InlineData("localhost:7410")]
    [InlineData("127.0.0.1:70000")]
    public void Validate_NotIpAndPort_Rejected(string address)
    {
        var s = Valid();
        s.Tap.Address = address;
        Assert.Contains(Validate(s), e => e.StartsWith("Agent:Streams:0:Tap:Address:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DuplicateNamesAndAddresses_ReportsSecond()
    {
        var errors = Validate(Valid(), Valid());
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:1:Name:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:1:Tap:Address:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EachBadKey_ReportedSeparately()
    {
        var s = Valid();
        s.Name = "bad name!";
        s.Format = "csv";
        s.Tap.Kind = "udp";
        s.Tap.MaxConnections = 0;
        s.KeyFields = ["a..b", "route", "route"];
        s.Window = TimeSpan.FromSeconds(7);
        var errors = Validate(s);
        string[] expected =
        [
            "Agent:Streams:0:Name:", "Agent:Streams:0:Format:", "Agent:Streams:0:Tap:Kind:",
            "Agent:Streams:0:Tap:MaxConnections:", "Agent:Streams:0:KeyFields:0:", "Agent:Streams:0:KeyFields:2:",
            "Agent:Streams:0:Window:",
        ];
        foreach (var prefix in expected)
        {
            Assert.Contains(errors, e => e.StartsWith(prefix, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, errors.Count);
    }

    [Fact]
    public void Validate_UnixPathRelative_Rejected()
    {
        var s = Valid();
        s.Tap = new TapOptions { Kind = TapKinds.Unix, Address = "run/tap.sock" };
        Assert.Contains(Validate(s), e => e.StartsWith("Agent:Streams:0:Tap:Address:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TooManyFields_Rejected()
    {
        var s = Valid();
        s.NumericFields = Enumerable.Range(0, 65).Select(i => "f" + i).ToList();
        Assert.Contains(Validate(s), e => e.StartsWith("Agent:Streams:0:NumericFields:", StringComparison.Ordinal));
    }
}
