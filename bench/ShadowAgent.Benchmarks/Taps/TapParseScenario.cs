using System.Diagnostics;
using System.Globalization;

namespace ShadowAgent.Benchmarks.Taps;

/// <summary>
/// A plain Stopwatch loop over the same two workloads as <see cref="TapParseBenchmarks"/>, for builds
/// BenchmarkDotNet cannot run (native AOT, with and without a higher instruction set).
/// </summary>
public static class TapParseScenario
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var workload = new TapParseWorkload();
        Console.WriteLine($"tap-parse: {TapParseWorkload.RecordCount} records, {workload.Data.Length} bytes ({(double)workload.Data.Length / TapParseWorkload.RecordCount:F1} B/record), {seconds} s per workload");

        var bare = Measure("BareReader", () => workload.BareReader(), seconds, workload.Data.Length);
        var tap = Measure("TapParse", () => workload.TapParse(), seconds, workload.Data.Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio TapParse/BareReader throughput: {tap / bare:F3}"));
        return 0;
    }

    private static double Measure(string name, Func<long> work, double seconds, int bytesPerPass)
    {
        // Warm up (tiered JIT; a no-op under AOT).
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < Math.Min(1, seconds / 4))
        {
            work();
        }

        long passes = 0;
        long sink = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            sink += work();
            passes++;
        }

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        var records = passes * TapParseWorkload.RecordCount;
        var perSecond = records / watch.Elapsed.TotalSeconds;
        var mbPerSecond = passes * (double)bytesPerPass / watch.Elapsed.TotalSeconds / (1024 * 1024);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-10} {perSecond / 1e6,8:F3} M records/s {mbPerSecond,9:F1} MB/s {watch.Elapsed.TotalNanoseconds / records,8:F1} ns/record {(double)allocated / records:F3} B/record (checksum {sink})"));
        return perSecond;
    }
}
