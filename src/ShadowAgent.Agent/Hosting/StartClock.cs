using System.Diagnostics;

namespace ShadowAgent.Agent.Hosting;

/// <summary>Time since the first line of Main, for the start-to-listening figure in the log.</summary>
internal static class StartClock
{
    private static long _started = Stopwatch.GetTimestamp();

    public static void Mark() => _started = Stopwatch.GetTimestamp();

    public static double ElapsedMs => Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
}
