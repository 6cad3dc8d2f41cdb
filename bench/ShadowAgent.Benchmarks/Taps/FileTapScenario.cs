using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using ShadowAgent.Core.Streams;
using ShadowAgent.Taps.Files;
using ShadowAgent.Taps.Parsing;

namespace ShadowAgent.Benchmarks.Taps;

/// <summary>
/// The file tap reading a pre-written file from its first byte to its last, as the agent runs it (poll loop,
/// positional reads into its buffer, in-place framing, the extractor, a sink), timed from start until the sink has
/// every line, in wall-clock time and in the process's CPU time (which a busy machine inflates far less).
/// NDJSON lines are the tap-parse workload's records (two key fields and one numeric field read);
/// plain lines are access-log lines keyed by a pattern. Run under <c>taskset -c 1</c> for one core.
/// </summary>
public static class FileTapScenario
{
    public const string PlainPattern = @"^(?<time>\S+) (?<method>[A-Z]+) (?<route>\S+) (?<status>\d{3}) (?<latency>\S+) (?<user>\S+)$";

    public static int Run(string[] args)
    {
        var megabytes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
        var format = args.Length > 1 ? args[1] : "ndjson";
        var directory = Path.Combine(Path.GetTempPath(), $"shadow-file-tap-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, "app.log");
            var (lines, bytes) = Write(path, megabytes, format);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"file-tap {format}: {lines:N0} lines, {bytes / 1048576.0:F0} MB ({(double)bytes / lines:F1} B/line), file in the page cache"));
            for (var run = 0; run < 3; run++)
            {
                Measure(path, format, lines, bytes);
            }

            if (format == "plain")
            {
                CompareRegexEngines();
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Measure(string path, string format, long lines, long bytes)
    {
        var stream = new StreamOptions
        {
            Name = "bench",
            Format = format == "plain-count" ? StreamFormats.Plain : format,
            Tap = new TapOptions { Kind = TapKinds.File, Paths = [path], PollInterval = TimeSpan.FromMilliseconds(10) },
            KeyFields = format == "ndjson" ? ["user.id", "route"] : format == "plain" ? ["user", "route"] : [],
            NumericFields = format == "ndjson" ? ["latency_ms"] : format == "plain" ? ["latency"] : [],
            Schema = new SchemaOptions { Enabled = false },
        };
        if (format == "plain")
        {
            stream.Tap.Plain.KeyPattern = PlainPattern;
        }

        var sinks = new CountingSinkFactory();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var gcs = GC.CollectionCount(0);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var tap = FileTap.Start(stream, sinks, NullLoggerFactory.Instance);
        while (sinks.Handled < lines)
        {
            Thread.Sleep(1);
        }

        watch.Stop();
        var cpuNs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds;
        tap.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {lines / watch.Elapsed.TotalSeconds / 1e6,6:F3} M lines/s {bytes / watch.Elapsed.TotalSeconds / 1048576,8:F1} MB/s  {watch.Elapsed.TotalNanoseconds / lines,7:F1} ns/line; CPU {cpuNs / lines,7:F1} ns/line = {lines / cpuNs * 1e3,6:F3} M lines per CPU-second  {(double)allocated / lines,7:F2} B/line  {GC.CollectionCount(0) - gcs} gen0 GCs  (records {sinks.Records:N0}, keyed {sinks.Keyed:N0}, errors {sinks.Errors})"));
    }

    private static (long Lines, long Bytes) Write(string path, int megabytes, string format)
    {
        var block = format == "ndjson" ? new TapParseWorkload().Data : PlainBlock();
        var perBlock = block.AsSpan().Count((byte)'\n');
        long lines = 0;
        long bytes = 0;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        while (bytes < megabytes * 1048576L)
        {
            file.Write(block);
            bytes += block.Length;
            lines += perBlock;
        }

        return (lines, bytes);
    }

    private static byte[] PlainBlock()
    {
        var rng = new Random(20240611);
        string[] routes = ["/api/orders", "/api/orders/{id}", "/api/users/{id}", "/api/cart", "/health", "/api/search", "/api/checkout"];
        var text = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"2024-06-11T10:{i / 600 % 60:00}:{i % 60:00}.{i % 1000:000}Z {(rng.Next(4) == 0 ? "POST" : "GET")} {routes[rng.Next(routes.Length)]} {(rng.Next(20) == 0 ? 503 : 200)} {Math.Round(rng.NextDouble() * 250, 2)} u{rng.Next(50_000)}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The plain extractor alone with each regex engine the configuration could pick, on the same lines.</summary>
    private static void CompareRegexEngines()
    {
        var block = PlainBlock();
        var lines = new List<byte[]>();
        foreach (var range in block.AsSpan().Split((byte)'\n'))
        {
            if (range.End.Value > range.Start.Value)
            {
                lines.Add(block[range]);
            }
        }

        foreach (var (name, options) in new[] { ("NonBacktracking", RegexOptions.NonBacktracking), ("None (interpreted)", RegexOptions.None), ("Compiled (JIT only)", RegexOptions.Compiled) })
        {
            var extractor = PlainLineExtractor.Create(new Regex(PlainPattern, options | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture), ["user", "route"], ["latency"]);
            long count = 0;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed.TotalSeconds < 2)
            {
                foreach (var line in lines)
                {
                    count += extractor.TryExtract(line, out _) ? 1 : 0;
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  regex {name,-20} {watch.Elapsed.TotalNanoseconds / count,7:F1} ns/line"));
        }
    }
}
