using System.Buffers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MessagePack;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Forward;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Forward;

public sealed class ForwardHandshakeTests
{
    private const string Key = "k3y";
    private static readonly byte[] Salt = [.. Enumerable.Range(0, 16).Select(i => (byte)(0xf0 + i))];

    private static ForwardSecurity Security(bool users) =>
        ForwardSecurity.Create("agent", Key, users ? [("fluent", "pw"), ("other", "pw2")] : [], TimeSpan.FromSeconds(5));

    private static string Hex(params byte[][] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        foreach (var p in parts)
        {
            hash.AppendData(p);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    private static ReadOnlySequence<byte> Message(Action<MessagePackWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(writer);
        return new ReadOnlySequence<byte>(buffer.WrittenMemory.ToArray());
    }

    /// <summary>A PING as the specification writes it; every field can be replaced to make it wrong.</summary>
    private static ReadOnlySequence<byte> Ping(
        ForwardHandshake h, string hostname = "client", byte[]? salt = null, string? digest = null, string user = "", string? passwordDigest = null,
        bool saltAsStr = false, int count = 6, string name = "PING")
    {
        salt ??= Salt;
        digest ??= Hex(salt, U(hostname), h.Nonce.ToArray(), U(Key));
        passwordDigest ??= user.Length > 0 ? Hex(h.AuthSalt.ToArray(), U(user), U("pw")) : "";
        return Message(w =>
        {
            w.WriteArrayHeader(count);
            w.Write(name);
            w.Write(hostname);
            if (saltAsStr)
            {
                w.WriteString(salt);
            }
            else
            {
                w.Write(salt);
            }

            w.Write(digest);
            w.Write(user);
            if (count == 6)
            {
                w.Write(passwordDigest);
            }

            w.Flush();
        });
    }

    private static object?[] ReadPong(byte[] pong)
    {
        var reader = new MessagePackReader(pong);
        Assert.Equal(5, reader.ReadArrayHeader());
        return [reader.ReadString(), reader.ReadBoolean(), reader.ReadString(), reader.ReadString(), reader.ReadString()];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Helo_FreshNonceAndSaltOnlyWithUsers(bool users)
    {
        var first = new ForwardHandshake(Security(users));
        var second = new ForwardHandshake(Security(users));
        var reader = new MessagePackReader(first.Helo());
        Assert.Equal(2, reader.ReadArrayHeader());
        Assert.Equal("HELO", reader.ReadString());
        Assert.Equal(3, reader.ReadMapHeader());
        Assert.Equal("nonce", reader.ReadString());
        Assert.Equal(first.Nonce.ToArray(), reader.ReadBytes()!.Value.ToArray());
        Assert.Equal("auth", reader.ReadString());
        if (users)
        {
            Assert.Equal(first.AuthSalt.ToArray(), reader.ReadBytes()!.Value.ToArray());
            Assert.Equal(16, first.AuthSalt.Length);
        }
        else
        {
            Assert.Equal("", reader.ReadString());
        }

        Assert.Equal("keepalive", reader.ReadString());
        Assert.True(reader.ReadBoolean());
        Assert.True(reader.End);
        Assert.False(first.Nonce.SequenceEqual(second.Nonce));
    }

    [Fact]
    public void Check_ValidPing_PongOkWithTheServersDigest()
    {
        var h = new ForwardHandshake(Security(false));
        Assert.Equal(HandshakeFailure.None, h.Check(Ping(h), out var pong));
        Assert.Equal(new object?[] { "PONG", true, "", "agent", Hex(Salt, U("agent"), h.Nonce.ToArray(), U(Key)) }, ReadPong(pong));
    }

    [Fact]
    public void Check_UppercaseHexAndSaltAsRawStr_Accepted()
    {
        var h = new ForwardHandshake(Security(true));
        var digest = Hex(Salt, U("client"), h.Nonce.ToArray(), U(Key)).ToUpperInvariant();
        Assert.Equal(HandshakeFailure.None, h.Check(Ping(h, digest: digest, user: "fluent", saltAsStr: true), out _));
    }

    [Fact]
    public void Check_PingFromAnotherConnection_SharedKeyMismatch()
    {
        var recorded = new ForwardHandshake(Security(false));
        var h = new ForwardHandshake(Security(false));
        Assert.Equal(HandshakeFailure.SharedKeyMismatch, h.Check(Ping(recorded), out var pong));
        Assert.Equal(new object?[] { "PONG", false, "shared_key mismatch", "agent", "" }, ReadPong(pong));
    }

    [Theory]
    [InlineData("fluent", "wrong")]
    [InlineData("nobody", "pw")]
    [InlineData("other", "pw")]
    public void Check_WrongUserOrPassword_UserMismatch(string user, string password)
    {
        var h = new ForwardHandshake(Security(true));
        var digest = Hex(h.AuthSalt.ToArray(), U(user), U(password));
        Assert.Equal(HandshakeFailure.UserMismatch, h.Check(Ping(h, user: user, passwordDigest: digest), out var pong));
        Assert.Equal("username/password mismatch", ReadPong(pong)[2]);
    }

    public static TheoryData<string> BadDigests => ["", new string('a', 127), new string('a', 129), new string('g', 128), new string('a', 127) + " "];

    [Theory]
    [MemberData(nameof(BadDigests))]
    public void Check_DigestNotOf128HexDigits_Malformed(string digest)
    {
        var h = new ForwardHandshake(Security(false));
        Assert.Equal(HandshakeFailure.MalformedPing, h.Check(Ping(h, digest: digest), out var pong));
        Assert.Equal(new object?[] { "PONG", false, "invalid ping message", "agent", "" }, ReadPong(pong));
    }

    [Fact]
    public void Check_UserAuthWithEmptyPasswordDigest_Malformed()
    {
        var h = new ForwardHandshake(Security(true));
        Assert.Equal(HandshakeFailure.MalformedPing, h.Check(Ping(h, user: "fluent", passwordDigest: ""), out _));
    }

    [Fact]
    public void Check_FieldsOverTheirBounds_Malformed()
    {
        var h = new ForwardHandshake(Security(false));
        Assert.Equal(HandshakeFailure.MalformedPing, h.Check(Ping(h, hostname: new string('h', 256)), out _));
        Assert.Equal(HandshakeFailure.MalformedPing, h.Check(Ping(h, salt: new byte[256]), out _));
        Assert.Equal(HandshakeFailure.None, h.Check(Ping(h, hostname: new string('h', 255), salt: new byte[255]), out _));
    }

    [Fact]
    public void Check_WrongShape_MalformedOrRecords()
    {
        var h = new ForwardHandshake(Security(false));
        Assert.Equal(HandshakeFailure.MalformedPing, h.Check(Ping(h, count: 5), out _));
        Assert.Equal(HandshakeFailure.MalformedPing, h.Check(Ping(h, name: "ping"), out _));
        Assert.Equal(HandshakeFailure.RecordsBeforePing, h.Check(new ReadOnlySequence<byte>(Frames.Forward(0, 2)), out _));
        Assert.Equal(HandshakeFailure.MalformedPing, h.Check(Message(w =>
        {
            w.WriteArrayHeader(6);
            w.Write("PING");
            w.Write(1);
            w.Write(2);
            w.Write(3);
            w.Write(4);
            w.Write(5);
            w.Flush();
        }), out _));
    }

    [Theory]
    [InlineData(new byte[] { }, "none")]
    [InlineData(new byte[] { 0x96 }, "none")]
    [InlineData(new byte[] { 0x96, 0xa4, (byte)'P', (byte)'I' }, "none")]
    [InlineData(new byte[] { 0x96, 0xa4, (byte)'P', (byte)'I', (byte)'N', (byte)'G' }, "none")]
    [InlineData(new byte[] { 0x93, 0xa4, (byte)'P', (byte)'I', (byte)'N', (byte)'G' }, "malformed_ping")]
    [InlineData(new byte[] { 0x93, 0xa3, (byte)'a', (byte)'p', (byte)'p' }, "records_before_ping")]
    [InlineData(new byte[] { 0xc0 }, "malformed_ping")]
    [InlineData(new byte[] { 0xc1, 0x00 }, "malformed_ping")]
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'T' }, "malformed_ping")]
    public void Classify_Prefix_DecidesAsSoonAsItCan(byte[] prefix, string expected) =>
        Assert.Equal(expected, HandshakeFailures.Tag(ForwardHandshake.Classify(new ReadOnlySequence<byte>(prefix))));

    [Fact]
    public async Task Receive_RecordsInTheSameWriteAsThePing_AcceptedAfterThePong()
    {
        var sinks = new RecordingSinkFactory();
        var stream = new StreamOptions
        {
            Name = "secure",
            Tap = new TapOptions { Kind = TapKinds.Forward, Address = "127.0.0.1:0", Security = new ForwardSecurityOptions { SharedKey = Key, SelfHostname = "agent" } },
            KeyFields = ["user.id", "route", "ok"],
            NumericFields = ["n"],
        };
        await using var tap = ForwardTap.Start(stream, sinks, NullLoggerFactory.Instance);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(tap.LocalEndPoint);
        var received = new byte[4096];
        var helo = await ReceiveMessageAsync(socket, received);
        var reader = new MessagePackReader(helo);
        reader.ReadArrayHeader();
        reader.Skip();
        reader.ReadMapHeader();
        reader.Skip();
        var nonce = reader.ReadBytes()!.Value.ToArray();

        var ping = Message(w =>
        {
            w.WriteArrayHeader(6);
            w.Write("PING");
            w.Write("client");
            w.Write(Salt);
            w.Write(Hex(Salt, U("client"), nonce, U(Key)));
            w.Write("");
            w.Write("");
            w.Flush();
        }).ToArray();
        await socket.SendAsync((byte[])[.. ping, .. Frames.Forward(0, 10)], SocketFlags.None);
        var pong = ReadPong(await ReceiveMessageAsync(socket, received));
        Assert.Equal(true, pong[1]);
        socket.Shutdown(SocketShutdown.Send);
        var sink = Assert.Single(sinks.Opened);
        await Eventually.Until(() => sinks.CloseCalls(sink) == 1, "the sink was closed");
        Assert.Equal(10, sink.Records.Count);
        Assert.Empty(sink.Errors);
    }

    private static async Task<byte[]> ReceiveMessageAsync(Socket socket, byte[] buffer)
    {
        var length = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None);
            Assert.NotEqual(0, n);
            length += n;
            var reader = new MessagePackReader(buffer.AsMemory(0, length));
            try
            {
                reader.Skip();
                return buffer[..(int)reader.Consumed];
            }
            catch (EndOfStreamException)
            {
                // Not whole yet.
            }
        }
    }
}
