namespace ShadowAgent.Taps.Probes;

/// <summary>One resource probe: reads counters and turns their change since the previous sample into rates.</summary>
internal interface IProbe
{
    /// <summary>The fields a sample fills, in index order (<see cref="Core.Streams.ProbeFields"/>).</summary>
    IReadOnlyList<string> Fields { get; }

    /// <summary>
    /// Reads the counters now. The first call only sets the baseline and returns false; later calls fill
    /// <paramref name="values"/> (one per field) and set bit i of <paramref name="present"/> for each field
    /// that has a value, and return false when nothing could be read.
    /// </summary>
    /// <param name="elapsedSeconds">Time since the previous call.</param>
    bool Sample(double elapsedSeconds, Span<double> values, out ulong present);
}
