using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using MessagePack;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Forward;

namespace ShadowAgent.Benchmarks.Taps;

/// <summary>
/// The forward tap over loopback: a C# sender writes pre-built Forward (or PackedForward, or gzip
/// CompressedPackedForward) messages of realistic records as fast as the socket takes them; the tap frames, reads
/// two key fields and one numeric field of every record and hands it to a sink. Records per second are counted from
/// the first byte sent to the last record in the sink, in wall-clock and in the process's CPU time (sender included;
/// a busy machine inflates CPU time far less than wall time). "Parse only" runs the tap's parser over the message in
/// memory, with no fields (the framing floor) and with the three fields.
/// </summary>
public static class ForwardTapScenario
{
    private static readonly string[] Routes = ["/api/orders", "/api/orders/{id}", "/api/users/{id}", "/api/cart", "/health", "/api/search", "/api/checkout"];
    private static readonly string[] Regions = ["eu-west-1", "us-east-1", "ap-south-1", "eu-central-1"];

    public static int Run(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var mode = args.Length > 1 ? args[1] : "forward";
        var entries = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
        var message = Build(mode, entries);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"forward-tap {mode}: {entries} records per message, {message.Length:N0} B per message, {seconds} s per run"));
        var floor = ParseOnly(message, entries, Math.Min(seconds, 3), [], []);
        var parse = ParseOnly(message, entries, Math.Min(seconds, 3), ["user.id", "route"], ["latency_ms"]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio fields/no fields throughput: {parse / floor:F3}"));
        for (var run = 0; run < 3; run++)
        {
            Measure(message, entries, seconds);
        }

        return 0;
    }

    /// <summary>The tap's framing, scan and extraction over the message in memory: the parse cost without the socket.</summary>
    private static double ParseOnly(byte[] message, int entries, double seconds, string[] keys, string[] numbers)
    {
        var sinks = new CountingSinkFactory();
        var parser = new ForwardMessageParser(
            new ForwardRecordExtractor(ShadowAgent.Taps.Parsing.FieldTrie.Compile(keys, numbers)),
            sinks.Open(), new ShadowAgent.Taps.Sockets.TapMetrics("bench"), 8 << 20, 32, 1_000_000);
        long records = 0;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            var buffer = new ReadOnlySequence<byte>(message);
            parser.Parse(ref buffer, isCompleted: false);
            records += entries;
        }

        var cpuNs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  parse only (CPU {cpuNs / records,6:F1} ns/record = {records / cpuNs * 1e3,6:F3} M records per CPU-second), {keys.Length + numbers.Length} fields: {records / watch.Elapsed.TotalSeconds / 1e6,6:F3} M records/s  {watch.Elapsed.TotalNanoseconds / records,7:F1} ns/record  {(double)allocated / records,7:F2} B/record (records {sinks.Records:N0})"));
        return records / cpuNs;
    }

    private static void Measure(byte[] message, int entries, double seconds)
    {
        var stream = new StreamOptions
        {
            Name = "bench",
            Tap = new TapOptions { Kind = TapKinds.Forward, Address = "127.0.0.1:0" },
            KeyFields = ["user.id", "route"],
            NumericFields = ["latency_ms"],
        };
        var sinks = new CountingSinkFactory();
        var tap = ForwardTap.Start(stream, sinks, NullLoggerFactory.Instance);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = 4 << 20 };
        socket.Connect((IPEndPoint)tap.LocalEndPoint);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long sent = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var offset = 0; offset < message.Length;)
            {
                offset += socket.Send(message, offset, message.Length - offset, SocketFlags.None);
            }

            sent += entries;
        }

        socket.Shutdown(SocketShutdown.Send);
        while (sinks.Handled < sent)
        {
            Thread.Sleep(1);
        }

        watch.Stop();
        var cpuNs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        tap.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  loopback: {sent / watch.Elapsed.TotalSeconds / 1e6,6:F3} M records/s  {watch.Elapsed.TotalNanoseconds / sent,7:F1} ns/record; CPU (sender and tap) {cpuNs / sent,7:F1} ns/record  {(double)allocated / sent,7:F2} B/record  (records {sinks.Records:N0}, keyed {sinks.Keyed:N0}, errors {sinks.Errors})"));
    }

    private static void Record(ref MessagePackWriter w, Random rng)
    {
        w.WriteMapHeader(8);
        w.Write("ts");
        w.Write(1_718_000_000_000L + rng.Next(0, 5_000));
        w.Write("user");
        w.WriteMapHeader(2);
        w.Write("id");
        w.Write("u" + rng.Next(0, 50_000).ToString(CultureInfo.InvariantCulture));
        w.Write("tier");
        w.Write(rng.Next(0, 4) == 0 ? "gold" : "free");
        w.Write("route");
        w.Write(Routes[rng.Next(Routes.Length)]);
        w.Write("region");
        w.Write(Regions[rng.Next(Regions.Length)]);
        w.Write("status");
        w.Write(rng.Next(0, 20) == 0 ? 503 : 200);
        w.Write("latency_ms");
        w.Write(Math.Round(rng.NextDouble() * 250, 2));
        w.Write("bytes");
        w.Write(rng.Next(200, 20_000));
        w.Write("cached");
        w.Write(rng.Next(2) == 0);
    }

    private static byte[] Build(string mode, int entries)
    {
        var rng = new Random(20240611);
        var packed = new ArrayBufferWriter<byte>();
        var inner = new MessagePackWriter(packed);
        for (var i = 0; i < entries; i++)
        {
            inner.WriteArrayHeader(2);
            inner.Write(1_718_000_000L + i);
            Record(ref inner, rng);
        }

        inner.Flush();
        var body = packed.WrittenSpan.ToArray();
        var output = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(output);
        switch (mode)
        {
            case "forward":
                w.WriteArrayHeader(2);
                w.Write("bench");
                w.WriteArrayHeader(entries);
                w.WriteRaw(body);
                break;
            case "packed":
                w.WriteArrayHeader(2);
                w.Write("bench");
                w.Write(body);
                break;
            case "gzip":
                using (var compressed = new MemoryStream())
                {
                    using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gzip.Write(body);
                    }

                    w.WriteArrayHeader(3);
                    w.Write("bench");
                    w.Write(compressed.ToArray());
                    w.WriteMapHeader(1);
                    w.Write("compressed");
                    w.Write("gzip");
                }

                break;
            default:
                throw new ArgumentException($"unknown mode '{mode}' (forward, packed, gzip)");
        }

        w.Flush();
        return output.WrittenSpan.ToArray();
    }
}
