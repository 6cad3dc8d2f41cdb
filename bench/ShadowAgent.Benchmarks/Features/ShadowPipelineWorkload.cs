using System.Buffers;
using ShadowAgent.Benchmarks.Taps;
using ShadowAgent.Core.Records;
using ShadowAgent.Core.Streams;
using ShadowAgent.Features.Windowing;
using ShadowAgent.Taps.Parsing;
using ShadowAgent.Taps.Sockets;

namespace ShadowAgent.Benchmarks.Features;

/// <summary>
/// The tap plus the full shadow on one thread: the records of <see cref="TapParseWorkload"/> framed and parsed by
/// the tap's own loop with schema tracking, into a real <see cref="StreamWindows"/> with three key fields (HLL and
/// frequent items each), two numeric fields (summary and DDSketch each), per-second series and spectral features.
/// The clock advances 10 ms per pass of 10,000 records and windows (10 s) close as they fall due, so window closes
/// (merging, serializing sketches, schema drift, spectra) are part of the cost, amortized at a realistic rate.
/// </summary>
public sealed class ShadowPipelineWorkload
{
    public static readonly StreamOptions Stream = new()
    {
        Name = "bench",
        KeyFields = ["user.id", "route", "region"],
        NumericFields = ["latency_ms", "bytes"],
        Window = TimeSpan.FromSeconds(10),
        Spectral = new SpectralOptions { Fields = ["latency_ms"] },
    };

    private readonly TapParseWorkload _records = new();
    private readonly SteppedClock _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_718_000_000_000));
    private readonly StreamWindows _windows;
    private readonly NdJsonLineParser _parser;

    public ShadowPipelineWorkload()
    {
        _windows = new StreamWindows(Stream, _clock);
        var shapes = new ShapeRecorder(Stream.Schema.MaxFields, Stream.Schema.MaxPathChars);
        var sink = _windows.Open(shapes);
        _parser = new NdJsonLineParser(new NdJsonFieldExtractor(FieldTrie.Compile(Stream), shapes), sink, new TapMetrics("bench"), 64 * 1024);
    }

    public byte[] Data => _records.Data;

    public long WindowsClosed { get; private set; }

    /// <summary>Profile bytes on the wire are measured by the caller from the last windows closed.</summary>
    public IReadOnlyList<Core.Profiles.WindowProfile> LastClosed { get; private set; } = [];

    /// <summary>One pass: 10,000 records through the tap and the shadow, then any window close that fell due.</summary>
    public long Pass()
    {
        var buffer = _records.Sequence;
        _parser.ParseBatch(ref buffer, isCompleted: true);
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        var closed = _windows.CloseDue(_clock.GetUtcNow());
        if (closed.Count > 0)
        {
            WindowsClosed += closed.Count;
            LastClosed = closed;
        }

        return buffer.Length;
    }

    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
