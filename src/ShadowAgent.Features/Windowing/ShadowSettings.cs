using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Streams;
using ShadowAgent.Sketches.Cardinality;

namespace ShadowAgent.Features.Windowing;

/// <summary>A stream's options compiled for the per-record path: indexes, thresholds and sketch parameters.</summary>
internal sealed class ShadowSettings
{
    public ShadowSettings(StreamOptions stream)
    {
        Stream = stream.Name;
        KeyFields = [.. stream.KeyFields];
        NumericFields = [.. stream.NumericFields];
        WindowMs = (long)stream.Window.TotalMilliseconds;
        HopMs = (long)stream.EffectiveHop.TotalMilliseconds;
        PanesPerWindow = (int)(WindowMs / HopMs);
        EventTime = stream.EventTime.Enabled;
        LatenessMs = EventTime ? (long)stream.EventTime.AllowedLateness.TotalMilliseconds : 0;

        var sampling = stream.Sampling;
        SamplingMode = !sampling.Enabled ? SamplingKind.All : sampling.Mode == SamplingModes.Hash ? SamplingKind.Hash : SamplingKind.Random;
        SamplingRate = sampling.Enabled ? sampling.Rate : 1.0;
        SamplingKeyField = SamplingMode == SamplingKind.Hash ? sampling.KeyField : "";
        SamplingKeyIndex = SamplingMode == SamplingKind.Hash ? stream.KeyFields.IndexOf(sampling.KeyField) : -1;

        // A record is in when a uniform 64-bit draw is below rate * 2^64.
        SamplingThreshold = SamplingRate >= 1.0 ? ulong.MaxValue : (ulong)(SamplingRate * 18446744073709551616.0);

        var k = stream.Sketches;
        HllLgK = k.HllLgK;
        HllType = k.HllType switch
        {
            "hll6" => HllTargetType.Hll6,
            "hll8" => HllTargetType.Hll8,
            _ => HllTargetType.Hll4,
        };
        ItemsLgMaxMapSize = k.FrequentItemsLgMaxMapSize;
        ItemsWireLgMaxMapSize = k.FrequentItemsWireLgMaxMapSize;
        TopK = k.TopK;

        // A window's top item is near the top of the panes it merges: each pane carries texts for four times the list.
        LabelsPerPane = 4 * k.TopK;
        QuantileAccuracy = k.QuantileRelativeAccuracy;
        QuantileMaxBins = k.QuantileMaxBins;

        Schema = stream.Schema.Enabled;
        SchemaMaxFieldsPerProfile = stream.Schema.MaxFieldsPerProfile;
        SchemaBaselineWindows = stream.Schema.BaselineWindows;
        SchemaShareShift = stream.Schema.ShareShift;

        Spectral = stream.Spectral.Enabled;
        SpectralMaxLength = stream.Spectral.MaxLength;
        SpectralFields = [.. stream.Spectral.Fields.Select(f => stream.NumericFields.IndexOf(f))];
    }

    public string Stream { get; }

    public string[] KeyFields { get; }

    public string[] NumericFields { get; }

    public long WindowMs { get; }

    public long HopMs { get; }

    public int PanesPerWindow { get; }

    public bool EventTime { get; }

    public long LatenessMs { get; }

    public SamplingKind SamplingMode { get; }

    public double SamplingRate { get; }

    public string SamplingKeyField { get; }

    public int SamplingKeyIndex { get; }

    public ulong SamplingThreshold { get; }

    public int HllLgK { get; }

    public HllTargetType HllType { get; }

    public int ItemsLgMaxMapSize { get; }

    public int ItemsWireLgMaxMapSize { get; }

    public int TopK { get; }

    /// <summary>Frequent items per pane whose key text is handed over with it.</summary>
    public int LabelsPerPane { get; }

    public double QuantileAccuracy { get; }

    public int QuantileMaxBins { get; }

    public bool Schema { get; }

    public int SchemaMaxFieldsPerProfile { get; }

    public int SchemaBaselineWindows { get; }

    public double SchemaShareShift { get; }

    public bool Spectral { get; }

    public int SpectralMaxLength { get; }

    /// <summary>Indexes into <see cref="NumericFields"/> of the fields whose per-second mean is analysed.</summary>
    public int[] SpectralFields { get; }
}
