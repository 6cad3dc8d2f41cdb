using ShadowAgent.Core.Profiles;
using ShadowAgent.Core.Records;
using ShadowAgent.Features.Schema;
using ShadowAgent.Features.Spectral;
using ShadowAgent.Sketches.Cardinality;
using ShadowAgent.Sketches.Frequency;

namespace ShadowAgent.Features.Windowing;

/// <summary>
/// Turns the panes of a window into its <see cref="WindowProfile"/>: merges them, reads the estimates, serializes
/// the sketches in their interchange formats, runs schema drift and the spectral features. Runs on the closing
/// thread only (it owns the drift tracker and the spectral buffers).
/// </summary>
internal sealed class WindowBuilder
{
    private const int MinSpectralLength = 64;

    private readonly ShadowSettings _settings;
    private readonly SecondSeries _seconds;
    private readonly DateTimeOffset _startedAt;
    private readonly SchemaDriftTracker? _drift;
    private readonly Dictionary<int, (SpectralFeatures Features, SpectralProfile Profile, double[] Series)> _spectral = [];

    public WindowBuilder(ShadowSettings settings, SecondSeries seconds, DateTimeOffset startedAt)
    {
        _settings = settings;
        _seconds = seconds;
        _startedAt = startedAt;
        _drift = settings.Schema ? new SchemaDriftTracker(settings.SchemaBaselineWindows, shareShift: settings.SchemaShareShift) : null;
    }

    /// <param name="lastPane">The window's last pane.</param>
    /// <param name="recent">The closed panes of the window, oldest first, ending with <paramref name="lastPane"/>.</param>
    public WindowProfile Build(long lastPane, IReadOnlyCollection<(long Pane, PaneState State)> recent, int openConnections, DateTimeOffset? closedEarlyAt)
    {
        var s = _settings;
        var start = DateTimeOffset.FromUnixTimeMilliseconds((lastPane - s.PanesPerWindow + 1) * s.HopMs);
        var end = DateTimeOffset.FromUnixTimeMilliseconds((lastPane + 1) * s.HopMs);
        var observedFrom = _startedAt > start ? _startedAt : start;
        var observedTo = closedEarlyAt is { } early && early < end ? early : end;
        var covered = observedTo - observedFrom;
        if (covered < TimeSpan.Zero)
        {
            covered = TimeSpan.Zero;
        }

        PaneState window;
        PaneState newest = null!;
        if (s.PanesPerWindow == 1)
        {
            foreach (var (_, state) in recent)
            {
                newest = state;
            }

            window = newest;
        }
        else
        {
            window = new PaneState(s);
            foreach (var (_, state) in recent)
            {
                window.Merge(state);
                newest = state;
            }
        }

        var volume = window.Volume;
        volume.ConnectionsOpen = openConnections;
        VolumeCounters? hopVolume = null;
        if (s.PanesPerWindow > 1)
        {
            var hop = newest.Volume;
            hop.ConnectionsOpen = openConnections;
            hopVolume = hop;
        }

        return new WindowProfile
        {
            Stream = s.Stream,
            WindowStart = start,
            WindowEnd = end,
            // A window the agent did not observe whole (started late or stopped early) is partial.
            Partial = covered < end - start,
            Covered = covered,
            Volume = volume,
            HopVolume = hopVolume,
            Hop = TimeSpan.FromMilliseconds(s.HopMs),
            NumericFields = s.NumericFields,
            Numeric = ScaledNumeric(window),
            Quantiles = Quantiles(window),
            Sampling = new SamplingSummary(s.SamplingMode, s.SamplingRate, s.SamplingKeyField, volume.Sampled),
            Keys = Keys(window),
            Schema = Schema(window),
            // A window closed early ends its series where observation stopped: later seconds are not zeros.
            Spectral = Spectral(observedTo),
        };
    }

    private NumericSummary[] ScaledNumeric(PaneState window)
    {
        var numeric = (NumericSummary[])window.Numeric.Clone();
        if (_settings.SamplingMode == SamplingKind.All)
        {
            return numeric;
        }

        var scale = 1.0 / _settings.SamplingRate;
        for (var i = 0; i < numeric.Length; i++)
        {
            numeric[i].Count = (long)Math.Round(numeric[i].Count * scale);
            numeric[i].Sum *= scale;
            numeric[i].Missing = (long)Math.Round(numeric[i].Missing * scale);
            numeric[i].NotNumeric = (long)Math.Round(numeric[i].NotNumeric * scale);
        }

        return numeric;
    }

    private static QuantileSummary[] Quantiles(PaneState window)
    {
        var result = new QuantileSummary[window.Quantiles.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var q = window.Quantiles[i];
            result[i] = q is null || q.IsEmpty
                ? QuantileSummary.Empty
                : new QuantileSummary { P50 = q.P50, P90 = q.P90, P99 = q.P99, P999 = q.P999, Sketch = q.ToProtobuf() };
        }

        return result;
    }

    private KeyProfile[] Keys(PaneState window)
    {
        var s = _settings;
        var keys = new KeyProfile[s.KeyFields.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var hll = window.Hll[i] ?? new HllSketch(s.HllLgK, HllTargetType.Hll8);
            var items = window.Items[i] ?? new FrequentItemsSketch(s.ItemsLgMaxMapSize);
            var sampleDistinct = hll.GetEstimate();

            // Hash sampling keeps or drops whole keys: the sampled key's distinct count scales by the rate, and
            // each of its values present is counted exactly. Other estimates follow the record sample.
            var isSamplingKey = s.SamplingMode == SamplingKind.Hash && i == s.SamplingKeyIndex;
            var distinctScaling = s.SamplingMode == SamplingKind.All ? Scaling.None : isSamplingKey ? Scaling.ByRate : Scaling.SampleOnly;
            var countScaling = s.SamplingMode == SamplingKind.All || isSamplingKey ? Scaling.None : Scaling.ByRate;
            var distinctScale = distinctScaling == Scaling.ByRate ? 1.0 / s.SamplingRate : 1.0;
            var countScale = countScaling == Scaling.ByRate ? 1.0 / s.SamplingRate : 1.0;

            var labels = window.Labels[i];
            var top = new List<HeavyHitter>();
            foreach (var row in items.TopK(s.TopK, ErrorType.NoFalseNegatives))
            {
                top.Add(new HeavyHitter(
                    row.Item,
                    labels is not null && labels.TryGetValue(row.Item, out var text) ? text : "",
                    row.Estimate * countScale,
                    row.LowerBound * countScale,
                    row.UpperBound * countScale));
            }

            var skew = Skew.Measure(items, sampleDistinct, s.TopK);
            var hllBytes = new byte[hll.SerializedSize(s.HllType)];
            hll.TryWriteTo(hllBytes, out var written, s.HllType);
            keys[i] = new KeyProfile
            {
                Field = s.KeyFields[i],
                Present = window.KeyPresent[i],
                Distinct = sampleDistinct * distinctScale,
                DistinctLower = hll.GetLowerBound(2) * distinctScale,
                DistinctUpper = hll.GetUpperBound(2) * distinctScale,
                DistinctScaling = distinctScaling,
                Hll = written == hllBytes.Length ? hllBytes : hllBytes[..written],
                FrequentItems = WireItems(items),
                Top = top,
                CountScaling = countScaling,
                Skew = new SkewSummary(skew.K, skew.Top1Share, skew.TopKShare, skew.NormalizedEntropy, skew.Gini),
            };
        }

        return keys;
    }

    /// <summary>The frequent items reduced to the wire size: a merge into a smaller sketch, whose error bound covers the loss.</summary>
    private byte[] WireItems(FrequentItemsSketch items)
    {
        if (items.LgMaxMapSize <= _settings.ItemsWireLgMaxMapSize)
        {
            return items.ToByteArray();
        }

        var reduced = new FrequentItemsSketch(_settings.ItemsWireLgMaxMapSize);
        reduced.Merge(items);
        return reduced.ToByteArray();
    }

    private SchemaSummary? Schema(PaneState window)
    {
        if (_drift is null)
        {
            return null;
        }

        var snapshot = window.Schema ?? SchemaSnapshot.Empty;
        var events = _drift.Observe(snapshot);
        var fields = snapshot.Fields.OrderByDescending(f => f.Records).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
        var shipped = Math.Min(fields.Count, _settings.SchemaMaxFieldsPerProfile);
        return new SchemaSummary
        {
            Fingerprint = snapshot.Fingerprint,
            Records = snapshot.Records,
            FieldsOverLimit = snapshot.FieldsOverLimit,
            Fields = fields.Take(shipped).Select(f => new ShapeField(f.PathHash, f.Path, f.Types, f.Records)).ToList(),
            FieldsOmitted = fields.Count - shipped,
            Drift = events.Select(e => new SchemaDriftSummary(
                e.Kind switch
                {
                    SchemaDriftKind.FieldAppeared => SchemaDriftSummaryKind.Appeared,
                    SchemaDriftKind.FieldDisappeared => SchemaDriftSummaryKind.Disappeared,
                    SchemaDriftKind.TypeChanged => SchemaDriftSummaryKind.TypeChanged,
                    _ => SchemaDriftSummaryKind.ShareChanged,
                },
                e.Path,
                e.OldTypes,
                e.NewTypes,
                e.OldShare,
                e.NewShare)).ToList(),
        };
    }

    private SpectralSummary[] Spectral(DateTimeOffset end)
    {
        if (!_settings.Spectral)
        {
            return [];
        }

        var endSecond = (long)Math.Floor(end.ToUnixTimeMilliseconds() / 1000.0);
        var history = endSecond - (long)Math.Ceiling(_startedAt.ToUnixTimeMilliseconds() / 1000.0);
        var available = (int)Math.Min(history, _settings.SpectralMaxLength);
        if (available < MinSpectralLength)
        {
            return [];
        }

        var length = 1 << (31 - int.LeadingZeroCount(available));
        var analyser = Analyser(length);
        var result = new List<SpectralSummary>(1 + _settings.SpectralFields.Length);
        _seconds.CopyRecords(endSecond, analyser.Series);
        result.Add(Summarize("volume", analyser));
        for (var f = 0; f < _settings.SpectralFields.Length; f++)
        {
            if (_seconds.CopyMeans(f, endSecond, analyser.Series))
            {
                result.Add(Summarize(_settings.NumericFields[_settings.SpectralFields[f]], analyser));
            }
        }

        return [.. result];
    }

    private (SpectralFeatures Features, SpectralProfile Profile, double[] Series) Analyser(int length)
    {
        if (!_spectral.TryGetValue(length, out var analyser))
        {
            var features = new SpectralFeatures(length);
            analyser = (features, features.CreateProfile(), new double[length]);
            _spectral[length] = analyser;
        }

        return analyser;
    }

    private static SpectralSummary Summarize(string series, (SpectralFeatures Features, SpectralProfile Profile, double[] Series) analyser)
    {
        var (features, p, values) = analyser;
        features.Compute(values, p);
        var peaks = new List<(double, double)>(p.DominantPeaks.Length);
        foreach (var peak in p.DominantPeaks)
        {
            peaks.Add((peak.PeriodSeconds, peak.PowerShare));
        }

        return new SpectralSummary
        {
            Series = series,
            Length = features.Length,
            IntervalSeconds = features.SampleIntervalSeconds,
            Mean = p.Mean,
            Variance = p.Variance,
            Flat = p.IsFlat,
            Peaks = peaks,
            Entropy = p.Entropy,
            Flatness = p.Flatness,
            BandShares = p.BandShares.ToArray(),
            HaarShares = p.HaarShares.ToArray(),
            Daubechies4Shares = p.Daubechies4Shares.ToArray(),
        };
    }
}
