using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ShadowAgent.Core.Telemetry;

/// <summary>
/// Aggregates the instruments of the "ShadowAgent.*" meters and writes them in the Prometheus text
/// exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
/// Counters become <c>name_total</c>, up-down counters and gauges keep their last value or sum, histograms
/// get cumulative <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series. Dots in names become underscores.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string MeterPrefix = "ShadowAgent.";

    /// <summary>Bucket bounds used for every histogram (milliseconds for latencies, like OpenTelemetry's defaults).</summary>
    public static readonly double[] DefaultBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly MeterListener _listener = new();
    private readonly object? _scope;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();

    /// <param name="scope">
    /// When set, only meters created with this scope (the <see cref="IMeterFactory"/> of one host) are exported,
    /// so several hosts in one process (tests, the in-process demo) do not see each other's counts.
    /// </param>
    public PrometheusExporter(object? scope = null)
    {
        _scope = scope;
        _listener.InstrumentPublished = OnInstrumentPublished;
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<long>(static (i, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<int>(static (i, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<short>(static (i, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<byte>(static (i, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<double>(static (i, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<float>(static (i, m, tags, state) => ((InstrumentState)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (i, m, tags, state) => ((InstrumentState)state!).Record((double)m, tags));
        _listener.Start();
    }

    /// <summary>The HTTP content type of the text this exporter writes.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Collects observable instruments and writes every series.</summary>
    public string Collect()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder(4096);
        foreach (var state in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            state.WriteTo(text);
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        if (!meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal))
        {
            return;
        }

        if (_scope is not null && !ReferenceEquals(meter.Scope, _scope))
        {
            return;
        }

        var state = new InstrumentState(instrument);
        _instruments[instrument] = state;
        listener.EnableMeasurementEvents(instrument, state);
    }

    /// <summary>Metric names allow [a-zA-Z_:][a-zA-Z0-9_:]*; everything else becomes '_'.</summary>
    public static string SanitizeName(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && char.IsAsciiDigit(c));
            if (!ok)
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static void AppendEscapedLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '"': text.Append("\\\""); break;
                case '\n': text.Append("\\n"); break;
                default: text.Append(c); break;
            }
        }
    }

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class InstrumentState
    {
        private readonly Kind _kind;
        private readonly bool _sums;
        private readonly string _help;
        // Stages report on every batch, so a measurement must find its series without formatting labels:
        // tag sets seen before are matched in place against a small copy-on-write list, bounded so that
        // unbounded tag values fall back to formatting instead of growing memory.
        private const int MaxCachedTagSets = 64;
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly Lock _cacheLock = new();
        private (KeyValuePair<string, object?>[] Tags, Series Series)[] _cache = [];

        public InstrumentState(Instrument instrument)
        {
            var type = instrument.GetType();
            var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            (_kind, _sums) = generic switch
            {
                _ when generic == typeof(Counter<>) => (Kind.Counter, true),
                _ when generic == typeof(ObservableCounter<>) => (Kind.Counter, false),
                _ when generic == typeof(UpDownCounter<>) => (Kind.Gauge, true),
                _ when generic == typeof(Histogram<>) => (Kind.Histogram, false),
                _ => (Kind.Gauge, false), // observable gauges, observable up-down counters, Gauge<T>: last value
            };

            var baseName = SanitizeName(instrument.Name);
            var suffix = UnitSuffix(instrument.Unit);
            if (!baseName.EndsWith(suffix, StringComparison.Ordinal))
            {
                // Prometheus names carry their unit once: shadow.stage.bytes in By is shadow_stage_bytes.
                baseName += suffix;
            }

            Name = _kind == Kind.Counter && !baseName.EndsWith("_total", StringComparison.Ordinal) ? baseName + "_total" : baseName;
            _help = (instrument.Description ?? instrument.Name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        }

        public string Name { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = Find(tags);
            if (_kind == Kind.Histogram)
            {
                series.Observe(value);
            }
            else if (_sums)
            {
                series.Add(value);
            }
            else
            {
                series.Set(value);
            }
        }

        public void WriteTo(StringBuilder text)
        {
            if (_series.IsEmpty)
            {
                return;
            }

            var type = _kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" };
            text.Append("# HELP ").Append(Name).Append(' ').Append(_help).Append('\n');
            text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, series) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (_kind != Kind.Histogram)
                {
                    AppendSample(text, Name, labels, null, series.Value);
                    continue;
                }

                var (buckets, count, sum) = series.Snapshot();
                long cumulative = 0;
                for (var b = 0; b < DefaultBuckets.Length; b++)
                {
                    cumulative += buckets[b];
                    AppendSample(text, Name + "_bucket", labels, FormatValue(DefaultBuckets[b]), cumulative);
                }

                AppendSample(text, Name + "_bucket", labels, "+Inf", count);
                AppendSample(text, Name + "_sum", labels, null, sum);
                AppendSample(text, Name + "_count", labels, null, count);
            }
        }

        private static void AppendSample(StringBuilder text, string name, string labels, string? le, double value)
        {
            text.Append(name);
            if (labels.Length > 0 || le is not null)
            {
                text.Append('{').Append(labels);
                if (le is not null)
                {
                    text.Append(labels.Length > 0 ? "," : "").Append("le=\"").Append(le).Append('"');
                }

                text.Append('}');
            }

            text.Append(' ').Append(FormatValue(value)).Append('\n');
        }

        private Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var (cached, series) in Volatile.Read(ref _cache))
            {
                if (SameTags(cached, tags))
                {
                    return series;
                }
            }

            var found = _series.GetOrAdd(FormatLabels(tags), static (_, kind) => new Series(kind == Kind.Histogram), _kind);
            lock (_cacheLock)
            {
                if (_cache.Length < MaxCachedTagSets)
                {
                    _cache = [.. _cache, (tags.ToArray(), found)];
                }
            }

            return found;
        }

        private static bool SameTags(KeyValuePair<string, object?>[] cached, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (cached.Length != tags.Length)
            {
                return false;
            }

            for (var i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(cached[i].Key, tags[i].Key, StringComparison.Ordinal) || !Equals(cached[i].Value, tags[i].Value))
                {
                    return false;
                }
            }

            return true;
        }

        private static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty)
            {
                return "";
            }

            // Sorted by key so the same tag set in any order lands in the same series.
            var sorted = tags.ToArray();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var text = new StringBuilder();
            foreach (var (key, value) in sorted)
            {
                if (text.Length > 0)
                {
                    text.Append(',');
                }

                text.Append(SanitizeName(key)).Append("=\"");
                AppendEscapedLabelValue(text, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                text.Append('"');
            }

            return text.ToString();
        }

        private static string UnitSuffix(string? unit) => unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
    }

    private sealed class Series(bool histogram)
    {
        private readonly long[]? _buckets = histogram ? new long[DefaultBuckets.Length] : null;
        private readonly object _gate = new();
        private double _value;
        private long _count;

        public double Value
        {
            get
            {
                lock (_gate)
                {
                    return _value;
                }
            }
        }

        public void Add(double value)
        {
            lock (_gate)
            {
                _value += value;
            }
        }

        public void Set(double value)
        {
            lock (_gate)
            {
                _value = value;
            }
        }

        public void Observe(double value)
        {
            var bucket = Array.BinarySearch(DefaultBuckets, value);
            if (bucket < 0)
            {
                bucket = ~bucket; // first bound greater than the value; le is inclusive so exact matches stay
            }

            lock (_gate)
            {
                if (bucket < _buckets!.Length)
                {
                    _buckets[bucket]++;
                }

                _count++;
                _value += value;
            }
        }

        public (long[] Buckets, long Count, double Sum) Snapshot()
        {
            lock (_gate)
            {
                return ((long[])_buckets!.Clone(), _count, _value);
            }
        }
    }
}
