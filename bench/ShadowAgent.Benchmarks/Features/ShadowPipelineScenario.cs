using System.Diagnostics;
using System.Globalization;
using ShadowAgent.Benchmarks.Taps;

namespace ShadowAgent.Benchmarks.Features;

/// <summary>
/// The tap plus the full shadow (<see cref="ShadowPipelineWorkload"/>) in a plain Stopwatch loop on the calling
/// thread, so a native AOT build is measured as the agent runs it. Pin it to one core with taskset.
/// </summary>
public static class ShadowPipelineScenario
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var workload = new ShadowPipelineWorkload();
        Console.WriteLine($"shadow: tap + full shadow (3 key fields, 2 numeric fields, schema, spectral), {TapParseWorkload.RecordCount} records per pass, {seconds} s");

        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < Math.Min(2, seconds / 4))
        {
            workload.Pass();
        }

        long passes = 0;
        long sink = 0;
        var closedBefore = workload.WindowsClosed;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var gcs = GC.CollectionCount(0);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            sink += workload.Pass();
            passes++;
        }

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        var records = passes * TapParseWorkload.RecordCount;
        var closed = workload.WindowsClosed - closedBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{records / watch.Elapsed.TotalSeconds / 1e6:F3} M records/s, {watch.Elapsed.TotalNanoseconds / records:F1} ns/record, " +
            $"{(double)allocated / records:F4} B/record allocated including {closed} window closes ({(closed > 0 ? allocated / (double)closed / 1024 : 0):F0} KiB per close), " +
            $"gen0 GCs {GC.CollectionCount(0) - gcs} (checksum {sink})"));
        return 0;
    }
}
