using ShadowAgent.Core.Streams;

namespace ShadowAgent.Core.Tests.Streams;

public sealed class ForwardSecurityValidationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shadow-secret-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static List<string> Validate(Action<ForwardSecurityOptions> configure, string kind = TapKinds.Forward)
    {
        var s = new StreamOptions { Name = "f", Tap = new TapOptions { Kind = kind, Address = "127.0.0.1:24224" } };
        configure(s.Tap.Security);
        var errors = new List<string>();
        StreamOptionsValidator.Validate([s], "Agent:Streams", errors);
        return errors;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Validate_NoSecurity_NoErrors() => Assert.Empty(Validate(_ => { }));

    [Fact]
    public void Validate_KeyUsersAndFiles_NoErrors()
    {
        var key = Write("key", "from-a-file\n");
        var password = Write("pw", "pw\r\n");
        Assert.Empty(Validate(s =>
        {
            s.SharedKeyFile = key;
            s.SelfHostname = "agent-1";
            s.Users = [new ForwardUserOptions { Username = "a", Password = "x" }, new ForwardUserOptions { Username = "b", PasswordFile = password }];
        }));
    }

    [Fact]
    public void Validate_SecurityOnATcpTap_NamesSecurity() =>
        Assert.Equal(["Agent:Streams:0:Tap:Security: only forward taps (Tap:Kind 'forward') have a handshake."], Validate(s => s.SharedKey = "k", TapKinds.Tcp));

    [Fact]
    public void Validate_UsersWithoutKey_NamesSharedKey() =>
        Assert.Equal(
            ["Agent:Streams:0:Tap:Security:SharedKey: the handshake needs a shared key (or SharedKeyFile)."],
            Validate(s => s.Users = [new ForwardUserOptions { Username = "a", Password = "x" }]));

    [Fact]
    public void Validate_KeyAndKeyFile_NamesSharedKey() =>
        Assert.Contains(Validate(s => { s.SharedKey = "k"; s.SharedKeyFile = "/etc/key"; }), e => e.StartsWith("Agent:Streams:0:Tap:Security:SharedKey: set the shared key or SharedKeyFile, not both", StringComparison.Ordinal));

    [Theory]
    [InlineData("relative/key", "is not an absolute path")]
    [InlineData("/nonexistent/shadow/key", "cannot be read")]
    public void Validate_BadKeyFile_NamesSharedKeyFile(string path, string why) =>
        Assert.Contains(Validate(s => s.SharedKeyFile = path), e => e.StartsWith("Agent:Streams:0:Tap:Security:SharedKeyFile: ", StringComparison.Ordinal) && e.Contains(why, StringComparison.Ordinal));

    [Fact]
    public void Validate_EmptyOrHugeKeyFile_NamesSharedKeyFile()
    {
        var empty = Write("empty", "\n");
        var huge = Write("huge", new string('k', SecretFile.MaxBytes + 1));
        Assert.Contains(Validate(s => s.SharedKeyFile = empty), e => e == $"Agent:Streams:0:Tap:Security:SharedKeyFile: '{empty}' is empty.");
        Assert.Contains(Validate(s => s.SharedKeyFile = huge), e => e.StartsWith("Agent:Streams:0:Tap:Security:SharedKeyFile: ", StringComparison.Ordinal) && e.Contains("longer than", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadUsersAndTimeout_NamesEach()
    {
        var errors = Validate(s =>
        {
            s.SharedKey = "k";
            s.HandshakeTimeout = TimeSpan.Zero;
            s.SelfHostname = new string('h', 256);
            s.Users =
            [
                new ForwardUserOptions { Username = "", Password = "x" },
                new ForwardUserOptions { Username = "a" },
                new ForwardUserOptions { Username = "a", Password = "y" },
            ];
        });
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Tap:Security:HandshakeTimeout:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:Streams:0:Tap:Security:SelfHostname:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e == "Agent:Streams:0:Tap:Security:Users:0:Username: a user needs a name.");
        Assert.Contains(errors, e => e == "Agent:Streams:0:Tap:Security:Users:1:Password: the handshake needs a password (or PasswordFile).");
        Assert.Contains(errors, e => e == "Agent:Streams:0:Tap:Security:Users:2:Username: 'a' is listed twice.");
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void TryRead_TrailingNewline_DroppedOnceOnly()
    {
        Assert.True(SecretFile.TryRead(Write("a", "key\r\n"), out var crlf, out _));
        Assert.Equal("key", crlf);
        Assert.True(SecretFile.TryRead(Write("b", "key\n\n"), out var two, out _));
        Assert.Equal("key\n", two);
        Assert.True(SecretFile.TryRead(Write("c", " k ey "), out var spaces, out _));
        Assert.Equal(" k ey ", spaces);
        File.WriteAllBytes(Path.Combine(_directory, "d"), [0xff, 0xfe]);
        Assert.False(SecretFile.TryRead(Path.Combine(_directory, "d"), out _, out var why));
        Assert.Equal("is not UTF-8 text", why);
    }
}
