using ShadowAgent.Core.Streams;

namespace ShadowAgent.Core.Tests.Streams;

public sealed class FileAndForwardTapValidationTests
{
    private static List<string> Validate(StreamOptions stream)
    {
        var errors = new List<string>();
        StreamOptionsValidator.Validate([stream], "Agent:Streams", errors);
        return errors;
    }

    private static StreamOptions File(Action<StreamOptions> configure)
    {
        var s = new StreamOptions { Name = "logs", Tap = new TapOptions { Kind = TapKinds.File, Paths = ["/var/log/app/*.log"] } };
        configure(s);
        return s;
    }

    [Fact]
    public void Validate_FileTapWithGlob_NoErrors() => Assert.Empty(Validate(File(_ => { })));

    [Fact]
    public void Validate_FileTapWithoutPaths_NamesPaths() =>
        Assert.Contains(Validate(File(s => s.Tap.Paths = [])), e => e.StartsWith("Agent:Streams:0:Tap:Paths:", StringComparison.Ordinal));

    [Theory]
    [InlineData("relative.log", "not an absolute path")]
    [InlineData("/var/log/*/app.log", "wildcard in a directory")]
    [InlineData("/var/log/app/", "names a directory")]
    public void Validate_BadPath_NamesTheEntry(string path, string why) =>
        Assert.Contains(Validate(File(s => s.Tap.Paths = [path])), e => e.StartsWith("Agent:Streams:0:Tap:Paths:0:", StringComparison.Ordinal) && e.Contains(why, StringComparison.Ordinal));

    [Fact]
    public void Validate_BadStartAtAndPoll_NamesBoth()
    {
        var errors = Validate(File(s =>
        {
            s.Tap.StartAt = "middle";
            s.Tap.PollInterval = TimeSpan.Zero;
        }));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Tap:StartAt:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Tap:PollInterval:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PlainPatternMissingAKeyFieldGroup_NamesKeyPattern()
    {
        var errors = Validate(File(s =>
        {
            s.Format = StreamFormats.Plain;
            s.KeyFields = ["route", "user"];
            s.Tap.Plain.KeyPattern = @"(?<route>\S+)";
        }));
        var error = Assert.Single(errors);
        Assert.StartsWith("Agent:Streams:0:Tap:Plain:KeyPattern:", error, StringComparison.Ordinal);
        Assert.Contains("'user'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PlainPatternNeedingBacktracking_Rejected() =>
        Assert.Contains(Validate(File(s =>
        {
            s.Format = StreamFormats.Plain;
            s.Tap.Plain.KeyPattern = @"(?<a>x)\k<a>";
        })), e => e.StartsWith("Agent:Streams:0:Tap:Plain:KeyPattern:", StringComparison.Ordinal));

    [Fact]
    public void Validate_PlainOnASocketTap_NamesFormat() =>
        Assert.Contains(
            Validate(new StreamOptions { Name = "s", Format = StreamFormats.Plain, Tap = new TapOptions { Kind = TapKinds.Tcp, Address = "127.0.0.1:7410" } }),
            e => e.StartsWith("Agent:Streams:0:Format:", StringComparison.Ordinal));

    [Fact]
    public void Validate_ForwardTap_AddressAndLimitsChecked()
    {
        Assert.Empty(Validate(new StreamOptions { Name = "f", Tap = new TapOptions { Kind = TapKinds.Forward, Address = "127.0.0.1:24224" } }));
        var errors = Validate(new StreamOptions { Name = "f", Tap = new TapOptions { Kind = TapKinds.Forward, Address = "24224", MaxDepth = 1000, MaxFrameBytes = 10 } });
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Tap:Address:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Tap:MaxDepth:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Tap:MaxFrameBytes:", StringComparison.Ordinal));
    }
}
