using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Forward;
using ShadowAgent.Taps.Tests.Support;

namespace ShadowAgent.Taps.Tests.Forward;

/// <summary>
/// An independent client: Debian's python3-msgpack (installed by install.sh) writes every forward mode the way the
/// specification describes it, including the EventTime extension and gzip, and checks each acknowledgement it gets.
/// </summary>
public sealed class PythonMsgPackClientTests
{
    private const string Client = """
import gzip, socket, struct, sys, time, msgpack
port = int(sys.argv[1])
def record(i):
    return {"user": {"id": "u%d" % (i % 7)}, "n": i, "route": "/api/%d" % (i % 3), "ok": True}
def event_time(i):
    return msgpack.ExtType(0, struct.pack(">II", 1764000000 + i, 500000000))
s = socket.create_connection(("127.0.0.1", port))
unpacker = msgpack.Unpacker(raw=False)
def expect_ack(chunk):
    while True:
        for reply in unpacker:
            if reply != {"ack": chunk}:
                sys.exit("unexpected reply %r for %s" % (reply, chunk))
            return
        data = s.recv(4096)
        if not data:
            sys.exit("connection closed before the ack of " + chunk)
        unpacker.feed(data)
s.sendall(msgpack.packb(["py.message", event_time(0), record(0), {"chunk": "p1"}]))
expect_ack("p1")
s.sendall(msgpack.packb(["py.forward", [[1764000000 + i, record(i)] for i in range(1, 101)], {"chunk": "p2"}]))
expect_ack("p2")
packed = b"".join(msgpack.packb([event_time(i), record(i)]) for i in range(101, 201))
s.sendall(msgpack.packb(["py.packed", packed, {"chunk": "p3", "size": 100}], use_bin_type=True))
expect_ack("p3")
packed = b"".join(msgpack.packb([event_time(i), record(i)]) for i in range(201, 301))
s.sendall(msgpack.packb(["py.gzip", gzip.compress(packed), {"chunk": "p4", "size": 100, "compressed": "gzip"}], use_bin_type=True))
expect_ack("p4")
s.sendall(msgpack.packb(["py.noack", [[1764000000, record(301)]]]))
s.shutdown(socket.SHUT_WR)
if s.recv(1) != b"":
    sys.exit("data after the last ack")
print("ok")
""";

    [Fact]
    public async Task Receive_PythonMsgPackClient_EveryModeParsedAndAcked()
    {
        var sinks = new RecordingSinkFactory();
        var stream = new StreamOptions
        {
            Name = "py",
            Tap = new TapOptions { Kind = TapKinds.Forward, Address = "127.0.0.1:0" },
            KeyFields = ["user.id", "route"],
            NumericFields = ["n"],
            EventTime = new EventTimeOptions { Field = "time" },
        };
        await using var tap = ForwardTap.Start(stream, sinks, NullLoggerFactory.Instance);
        var port = ((System.Net.IPEndPoint)tap.LocalEndPoint).Port;

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Client);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var python = Process.Start(start)!;
        python.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = python.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = python.StandardError.ReadToEndAsync(timeout.Token);
        await python.WaitForExitAsync(timeout.Token);
        Assert.True(python.ExitCode == 0, $"python client failed: {await error}");
        Assert.Equal("ok", (await output).Trim());

        var sink = Assert.Single(sinks.Opened);
        await Eventually.Until(() => sinks.CloseCalls(sink) == 1, "the sink was closed");
        Assert.Empty(sink.Errors);
        Assert.Equal(Enumerable.Range(0, 302).Select(i => (double)i), sink.Records.Select(r => r.Numbers[0]).Order());
        Assert.All(sink.Records, r => Assert.Equal(0b11UL, r.KeysPresent));
        Assert.Equal(Extract.Hash("u5"), sink.Records.Single(r => r.Numbers[0] == 250).KeyHashes[0]);
        Assert.All(sink.Records, r => Assert.Equal(EventTimeState.Present, r.EventTime));
        Assert.Equal(1_764_000_150_500L, sink.Records.Single(r => r.Numbers[0] == 150).EventTimeUnixMs);
        Assert.Equal(1_764_000_050_000L, sink.Records.Single(r => r.Numbers[0] == 50).EventTimeUnixMs);
    }
}
