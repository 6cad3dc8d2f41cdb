namespace ShadowAgent.Core.Profiles;

/// <summary>What one stream looked like during one window on this host. Built when the window closes.</summary>
public sealed class WindowProfile
{
    public required string Stream { get; init; }

    public required DateTimeOffset WindowStart { get; init; }

    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>The window was closed before its end (the agent is shutting down).</summary>
    public bool Partial { get; init; }

    /// <summary>Span of the window that was observed; the window length unless partial.</summary>
    public required TimeSpan Covered { get; init; }

    public required VolumeCounters Volume { get; init; }

    /// <summary>The configured numeric fields, in configuration order.</summary>
    public required IReadOnlyList<string> NumericFields { get; init; }

    /// <summary>One summary per entry of <see cref="NumericFields"/>, same order.</summary>
    public required IReadOnlyList<NumericSummary> Numeric { get; init; }

    /// <summary>The time between two profiles of the stream (the window length for tumbling windows).</summary>
    public TimeSpan Hop { get; init; }

    /// <summary>Hopping windows: the exact counters of the newest hop only (windows overlap). Null for tumbling windows.</summary>
    public VolumeCounters? HopVolume { get; init; }

    public SamplingSummary Sampling { get; init; }

    /// <summary>One per key field, configuration order; empty when the stream has none.</summary>
    public IReadOnlyList<KeyProfile> Keys { get; init; } = [];

    /// <summary>One per entry of <see cref="NumericFields"/>; empty for profiles built without sketches.</summary>
    public IReadOnlyList<QuantileSummary> Quantiles { get; init; } = [];

    public SchemaSummary? Schema { get; init; }

    public IReadOnlyList<SpectralSummary> Spectral { get; init; } = [];

    /// <summary>The detectors' verdict on this window, set by the agent after the window closes; null when not scored.</summary>
    public AnomalySummary? Anomaly { get; set; }

    /// <summary>The volume forecast made at this window's close, set by the agent; null when off or still learning.</summary>
    public ForecastSummary? Forecast { get; set; }

    /// <summary>The longer-range forecast in buckets of the coarse step, carried by the window that closed a bucket.</summary>
    public ForecastSummary? CoarseForecast { get; set; }

    /// <summary>Records per second over the covered span.</summary>
    public double RatePerSecond => Covered > TimeSpan.Zero ? Volume.Records / Covered.TotalSeconds : 0;
}
