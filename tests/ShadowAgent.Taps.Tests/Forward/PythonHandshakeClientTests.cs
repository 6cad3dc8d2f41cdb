using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Forward;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Forward;

/// <summary>
/// An independent client for the handshake: Debian's python3 (hashlib) and python3-msgpack (installed by install.sh)
/// compute the digests as the Forward Protocol Specification v1 writes them, check the server's PONG digest, then send
/// Forward and PackedForward messages with acks. Bad clients (wrong key, wrong password, short digest, garbage, a
/// truncated or slow PING, records before PING) run beside a good one on the same tap.
/// </summary>
public sealed class PythonHandshakeClientTests
{
    private const string Client = """
import hashlib, os, socket, sys, msgpack
port, mode, key, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
first = int(sys.argv[6]) if len(sys.argv) > 6 else 0
HOST = "py-client"
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(30)
unpacker = msgpack.Unpacker(raw=False)
def receive():
    while True:
        for message in unpacker:
            return message
        try:
            data = s.recv(4096)
        except ConnectionResetError:
            return None
        if not data:
            return None
        unpacker.feed(data)
def hexdigest(*parts):
    h = hashlib.sha512()
    for p in parts:
        h.update(p)
    return h.hexdigest()
def closed():
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
def record(i):
    return {"user": {"id": "u%d" % (i % 7)}, "n": i, "route": "/api/%d" % (i % 3), "ok": True}

helo = receive()
if not (isinstance(helo, list) and len(helo) == 2 and helo[0] == "HELO"):
    sys.exit("not a HELO: %r" % (helo,))
nonce, auth = helo[1]["nonce"], helo[1]["auth"]
if not (isinstance(nonce, bytes) and len(nonce) == 16 and helo[1]["keepalive"] is True):
    sys.exit("bad HELO options: %r" % (helo[1],))
if isinstance(auth, str):
    auth = auth.encode()
salt = os.urandom(16)
shared = key + "x" if mode == "wrong-key" else key
digest = hexdigest(salt, HOST.encode(), nonce, shared.encode())
secret = password + "x" if mode == "wrong-user" else password
password_digest = hexdigest(auth, user.encode(), secret.encode()) if auth else ""
if mode == "short-digest":
    digest = digest[:127]
ping = msgpack.packb(["PING", HOST, salt, digest, user if auth else "", password_digest], use_bin_type=(mode != "good-str-salt"))

if mode == "garbage":
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
elif mode == "records-first":
    s.sendall(msgpack.packb(["py.early", [[1764000000, record(999)]], {"chunk": "early"}]))
elif mode == "truncated":
    s.sendall(ping[:-10])
    s.shutdown(socket.SHUT_WR)
elif mode == "slow":
    s.sendall(ping[:5])
else:
    s.sendall(ping)

pong = receive()
if not (isinstance(pong, list) and len(pong) == 5 and pong[0] == "PONG"):
    sys.exit("not a PONG: %r" % (pong,))
if not mode.startswith("good"):
    if pong[1] is not False or pong[4] != "":
        sys.exit("a bad client was let in: %r" % (pong,))
    if not closed():
        sys.exit("the connection stayed open after a failed handshake")
    print("rejected: " + pong[2])
    sys.exit(0)
if pong[1] is not True or pong[2] != "":
    sys.exit("a good client was refused: %r" % (pong,))
server = pong[3]
if pong[4] != hexdigest(salt, server.encode(), nonce, key.encode()):
    sys.exit("the server's digest does not prove it knows the key: %r" % (pong,))

def expect_ack(chunk):
    reply = receive()
    if reply != {"ack": chunk}:
        sys.exit("unexpected reply %r for %s" % (reply, chunk))
s.sendall(msgpack.packb(["py.forward", [[1764000000 + i, record(i)] for i in range(first, first + 100)], {"chunk": "h1"}]))
expect_ack("h1")
packed = b"".join(msgpack.packb([1764000000 + i, record(i)]) for i in range(first + 100, first + 200))
s.sendall(msgpack.packb(["py.packed", packed, {"chunk": "h2", "size": 100}], use_bin_type=True))
expect_ack("h2")
s.shutdown(socket.SHUT_WR)
if not closed():
    sys.exit("data after the last ack")
print("ok " + server)
""";

    private const string Key = "s3cret-key";

    private static StreamOptions Stream(bool users, TimeSpan? timeout = null) => new()
    {
        Name = "secure",
        Tap = new TapOptions
        {
            Kind = TapKinds.Forward,
            Address = "127.0.0.1:0",
            Security = new ForwardSecurityOptions
            {
                SelfHostname = "shadow-agent-test",
                SharedKey = Key,
                Users = users ? [new ForwardUserOptions { Username = "fluent", Password = "pa55word" }, new ForwardUserOptions { Username = "other", Password = "x" }] : [],
                HandshakeTimeout = timeout ?? TimeSpan.FromSeconds(20),
            },
        },
        KeyFields = ["user.id", "route"],
        NumericFields = ["n"],
    };

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(ForwardTap tap, string mode, string user, string password, int first = 0)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Client);
        start.ArgumentList.Add(((System.Net.IPEndPoint)tap.LocalEndPoint).Port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(mode);
        start.ArgumentList.Add(Key);
        start.ArgumentList.Add(user);
        start.ArgumentList.Add(password);
        start.ArgumentList.Add(first.ToString(CultureInfo.InvariantCulture));
        using var python = Process.Start(start)!;
        python.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = python.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = python.StandardError.ReadToEndAsync(timeout.Token);
        await python.WaitForExitAsync(timeout.Token);
        return (python.ExitCode, (await output).Trim(), await error);
    }

    [Theory]
    [InlineData(false, "good")]
    [InlineData(true, "good")]
    [InlineData(false, "good-str-salt")]
    [InlineData(true, "good-str-salt")]
    public async Task Handshake_PythonClientWithTheKey_PongDigestCheckedAndRecordsAcked(bool users, string mode)
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(users), sinks, NullLoggerFactory.Instance);

        var (code, output, error) = await RunAsync(tap, mode, "fluent", "pa55word");

        Assert.True(code == 0, $"python client failed: {error}");
        Assert.Equal("ok shadow-agent-test", output);
        var sink = Assert.Single(sinks.Opened);
        await Eventually.Until(() => sinks.CloseCalls(sink) == 1, "the sink was closed");
        Assert.Empty(sink.Errors);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (double)i), sink.Records.Select(r => r.Numbers[0]).Order());
        Assert.Equal(1, tap.Handshakes.Succeeded);
        Assert.Equal(0, tap.Handshakes.TotalFailures);
    }

    [Theory]
    [InlineData(false, "wrong-key", "shared_key_mismatch", "shared_key mismatch")]
    [InlineData(true, "wrong-key", "shared_key_mismatch", "shared_key mismatch")]
    [InlineData(true, "wrong-user", "user_mismatch", "username/password mismatch")]
    [InlineData(false, "short-digest", "malformed_ping", "invalid ping message")]
    [InlineData(false, "garbage", "malformed_ping", "invalid ping message")]
    [InlineData(true, "truncated", "truncated_ping", "connection ended inside the PING")]
    [InlineData(false, "records-first", "records_before_ping", "records sent before a successful PING")]
    public async Task Handshake_BadClientBesideAGoodOne_BadRejectedCountedGoodAccepted(bool users, string mode, string failure, string reason)
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(users), sinks, NullLoggerFactory.Instance);

        var bad = RunAsync(tap, mode, "fluent", "pa55word");
        var good = RunAsync(tap, "good", "fluent", "pa55word", first: 1000);
        var (badCode, badOutput, badError) = await bad;
        var (goodCode, goodOutput, goodError) = await good;

        Assert.True(badCode == 0, $"python bad client failed: {badError}");
        Assert.Equal("rejected: " + reason, badOutput);
        Assert.True(goodCode == 0, $"python good client failed: {goodError}");
        Assert.Equal("ok shadow-agent-test", goodOutput);
        await Eventually.Until(() => sinks.Opened.Count == 2 && sinks.Opened.All(s => sinks.CloseCalls(s) == 1), "both sinks were closed");
        Assert.All(sinks.Opened, s => Assert.Empty(s.Errors));
        Assert.Equal(Enumerable.Range(1000, 200).Select(i => (double)i), sinks.Opened.SelectMany(s => s.Records).Select(r => r.Numbers[0]).Order());
        Assert.Equal(1, tap.Handshakes.Failures(HandshakeFailures.All.Single(f => HandshakeFailures.Tag(f) == failure)));
        Assert.Equal(1, tap.Handshakes.TotalFailures);
        Assert.Equal(1, tap.Handshakes.Succeeded);
    }

    [Fact]
    public async Task Handshake_PingNeverFinished_ClosedAtTheTimeoutAndCounted()
    {
        var sinks = new RecordingSinkFactory();
        await using var tap = ForwardTap.Start(Stream(users: false, timeout: TimeSpan.FromMilliseconds(300)), sinks, NullLoggerFactory.Instance);

        var (code, output, error) = await RunAsync(tap, "slow", "", "");

        Assert.True(code == 0, $"python client failed: {error}");
        Assert.Equal("rejected: no PING before the handshake timeout", output);
        Assert.Equal(1, tap.Handshakes.Failures(HandshakeFailure.Timeout));
        var sink = Assert.Single(sinks.Opened);
        await Eventually.Until(() => sinks.CloseCalls(sink) == 1, "the sink was closed");
        Assert.Empty(sink.Records);
    }
}
