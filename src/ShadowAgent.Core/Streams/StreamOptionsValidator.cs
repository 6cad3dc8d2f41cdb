using System.Net;

namespace ShadowAgent.Core.Streams;

/// <summary>
/// Checks stream definitions at start. Every message names the configuration key at fault, for example
/// <c>Agent:Streams:0:Tap:Address</c>, so an operator can find it in the file, environment or command line.
/// </summary>
public static class StreamOptionsValidator
{
    /// <summary>Fields per record the bit masks of <see cref="Records.RecordView"/> can carry.</summary>
    public const int MaxFieldsPerKind = 64;

    public static void Validate(IReadOnlyList<StreamOptions> streams, string prefix, List<string> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < streams.Count; i++)
        {
            var s = streams[i];
            var key = $"{prefix}:{i}";
            if (string.IsNullOrWhiteSpace(s.Name))
            {
                errors.Add($"{key}:Name: a stream needs a name.");
            }
            else if (!IsValidName(s.Name))
            {
                errors.Add($"{key}:Name: '{s.Name}' may only contain letters, digits, '.', '_' and '-' (at most 128).");
            }
            else if (!names.Add(s.Name))
            {
                errors.Add($"{key}:Name: '{s.Name}' is already the name of another stream.");
            }

            ValidateTap(s.Tap, $"{key}:Tap", errors);
            if (s.Tap.Kind == TapKinds.Probe)
            {
                ValidateProbeFields(s, key, errors);
            }

            if (s.Tap.Kind == TapKinds.HttpMirror)
            {
                MirrorOptionsValidator.Validate(s, key, errors);
            }

            if (!string.IsNullOrEmpty(s.Tap.Address) && !addresses.Add(s.Tap.Kind + "|" + s.Tap.Address))
            {
                errors.Add($"{key}:Tap:Address: '{s.Tap.Address}' is already used by another stream.");
            }

            if (s.Format == StreamFormats.Plain)
            {
                if (s.Tap.Kind != TapKinds.File)
                {
                    errors.Add($"{key}:Format: '{StreamFormats.Plain}' is only read by file taps (Tap:Kind '{TapKinds.File}').");
                }
                else
                {
                    PlainPatternValidator.Validate(s, $"{key}:Tap:Plain:KeyPattern", errors);
                }
            }
            else if (s.Format != StreamFormats.NdJson)
            {
                errors.Add($"{key}:Format: '{s.Format}' is not a known format (known: {StreamFormats.NdJson}, {StreamFormats.Plain}).");
            }

            ValidateFields(s.KeyFields, $"{key}:KeyFields", errors);
            ValidateFields(s.NumericFields, $"{key}:NumericFields", errors);

            if (s.Window < TimeSpan.FromMilliseconds(100) || s.Window > TimeSpan.FromHours(24))
            {
                errors.Add($"{key}:Window: {s.Window} is outside 00:00:00.1 to 1.00:00:00.");
            }
            else if (s.Window.Ticks % TimeSpan.TicksPerMillisecond != 0)
            {
                errors.Add($"{key}:Window: {s.Window} must be a whole number of milliseconds.");
            }
            else if (TimeSpan.FromDays(1).Ticks % s.Window.Ticks != 0)
            {
                errors.Add($"{key}:Window: {s.Window} must divide a day evenly so windows align across hosts.");
            }
            else if (s.Hop is { } hop && (hop <= TimeSpan.Zero || hop > s.Window || s.Window.Ticks % hop.Ticks != 0 || hop.Ticks % TimeSpan.TicksPerMillisecond != 0))
            {
                errors.Add($"{key}:Hop: {hop} must be a whole number of milliseconds that divides the window ({s.Window}).");
            }
            else if (s.Window.Ticks / s.EffectiveHop.Ticks > MaxPanesPerWindow)
            {
                errors.Add($"{key}:Hop: {s.EffectiveHop} makes more than {MaxPanesPerWindow} hops per window.");
            }

            ValidateEventTime(s, $"{key}:EventTime", errors);
            ValidateSampling(s, $"{key}:Sampling", errors);
            ValidateSketches(s.Sketches, $"{key}:Sketches", errors);
            ValidateSchema(s.Schema, $"{key}:Schema", errors);
            ValidateSpectral(s, $"{key}:Spectral", errors);
            if (s.Detection.Warmup is < 2 or > 100_000)
            {
                errors.Add($"{key}:Detection:Warmup: {s.Detection.Warmup} is outside 2 to 100000.");
            }

            if (s.Forecast.Horizon is < 1 or > 1000)
            {
                errors.Add($"{key}:Forecast:Horizon: {s.Forecast.Horizon} is outside 1 to 1000.");
            }

            if (!(s.Forecast.Level > 0 && s.Forecast.Level < 1))
            {
                errors.Add($"{key}:Forecast:Level: {s.Forecast.Level} is outside (0, 1).");
            }

            if (!string.IsNullOrEmpty(s.Forecast.Field) && !s.NumericFields.Contains(s.Forecast.Field))
            {
                errors.Add($"{key}:Forecast:Field: '{s.Forecast.Field}' must be one of the stream's NumericFields.");
            }

            var coarse = s.Forecast.CoarseStep;
            if (coarse < TimeSpan.Zero || (coarse > TimeSpan.Zero && (coarse.Ticks % TimeSpan.TicksPerMillisecond != 0 || TimeSpan.FromDays(1).Ticks % coarse.Ticks != 0)))
            {
                errors.Add($"{key}:Forecast:CoarseStep: {coarse} must be 0 (off) or whole milliseconds that divide a day, so buckets line up across hosts.");
            }

            if (s.Forecast.CoarseHorizon is < 1 or > 1000)
            {
                errors.Add($"{key}:Forecast:CoarseHorizon: {s.Forecast.CoarseHorizon} is outside 1 to 1000.");
            }
        }
    }

    /// <summary>Hops one window may span; each is kept until the window that ends with it is emitted.</summary>
    public const int MaxPanesPerWindow = 60;

    private static void ValidateEventTime(StreamOptions s, string key, List<string> errors)
    {
        var e = s.EventTime;
        if (!e.Enabled)
        {
            return;
        }

        if (!FieldPath.TryParse(e.Field, out _, out var why))
        {
            errors.Add($"{key}:Field: '{e.Field}' is not a field path: {why}");
        }

        if (!Enum.IsDefined(e.Format))
        {
            errors.Add($"{key}:Format: '{e.Format}' is not a known format (Auto, Rfc3339, UnixSeconds, UnixMilliseconds, UnixMicroseconds, UnixNanoseconds).");
        }

        if (e.AllowedLateness < TimeSpan.Zero || e.AllowedLateness > TimeSpan.FromHours(1))
        {
            errors.Add($"{key}:AllowedLateness: {e.AllowedLateness} is outside 00:00:00 to 01:00:00.");
        }
    }

    private static void ValidateSampling(StreamOptions s, string key, List<string> errors)
    {
        var p = s.Sampling;
        if (!(p.Rate > 0 && p.Rate <= 1))
        {
            errors.Add($"{key}:Rate: {p.Rate} is outside (0, 1].");
        }

        switch (p.Mode)
        {
            case SamplingModes.Random:
                if (!string.IsNullOrEmpty(p.KeyField))
                {
                    errors.Add($"{key}:KeyField: random sampling does not use a key field; set Mode to '{SamplingModes.Hash}' or remove it.");
                }

                break;
            case SamplingModes.Hash:
                if (!s.KeyFields.Contains(p.KeyField))
                {
                    errors.Add($"{key}:KeyField: '{p.KeyField}' must be one of the stream's KeyFields for hash sampling.");
                }

                break;
            default:
                errors.Add($"{key}:Mode: '{p.Mode}' is not a known sampling mode (known: {SamplingModes.Random}, {SamplingModes.Hash}).");
                break;
        }
    }

    private static void ValidateSketches(SketchOptions k, string key, List<string> errors)
    {
        if (k.HllLgK is < 4 or > 21)
        {
            errors.Add($"{key}:HllLgK: {k.HllLgK} is outside 4 to 21.");
        }

        if (k.HllType is not ("hll4" or "hll6" or "hll8"))
        {
            errors.Add($"{key}:HllType: '{k.HllType}' is not one of hll4, hll6, hll8.");
        }

        if (k.FrequentItemsLgMaxMapSize is < 3 or > 20)
        {
            errors.Add($"{key}:FrequentItemsLgMaxMapSize: {k.FrequentItemsLgMaxMapSize} is outside 3 to 20.");
        }
        else if (k.FrequentItemsWireLgMaxMapSize < 3 || k.FrequentItemsWireLgMaxMapSize > k.FrequentItemsLgMaxMapSize)
        {
            errors.Add($"{key}:FrequentItemsWireLgMaxMapSize: {k.FrequentItemsWireLgMaxMapSize} is outside 3 to FrequentItemsLgMaxMapSize ({k.FrequentItemsLgMaxMapSize}).");
        }

        if (k.TopK is < 1 or > 100)
        {
            errors.Add($"{key}:TopK: {k.TopK} is outside 1 to 100.");
        }

        if (!(k.QuantileRelativeAccuracy > 0 && k.QuantileRelativeAccuracy < 0.5))
        {
            errors.Add($"{key}:QuantileRelativeAccuracy: {k.QuantileRelativeAccuracy} is outside (0, 0.5).");
        }

        if (k.QuantileMaxBins is < 16 or > 65536)
        {
            errors.Add($"{key}:QuantileMaxBins: {k.QuantileMaxBins} is outside 16 to 65536.");
        }
    }

    private static void ValidateSchema(SchemaOptions c, string key, List<string> errors)
    {
        if (c.MaxFields is < 1 or > 4096)
        {
            errors.Add($"{key}:MaxFields: {c.MaxFields} is outside 1 to 4096.");
        }

        if (c.MaxPathChars is < 16 or > 4096)
        {
            errors.Add($"{key}:MaxPathChars: {c.MaxPathChars} is outside 16 to 4096.");
        }

        if (c.MaxFieldsPerProfile is < 0 or > 4096)
        {
            errors.Add($"{key}:MaxFieldsPerProfile: {c.MaxFieldsPerProfile} is outside 0 to 4096.");
        }

        if (c.BaselineWindows is < 1 or > 1000)
        {
            errors.Add($"{key}:BaselineWindows: {c.BaselineWindows} is outside 1 to 1000.");
        }

        if (!(c.ShareShift > 0 && c.ShareShift <= 1))
        {
            errors.Add($"{key}:ShareShift: {c.ShareShift} is outside (0, 1].");
        }
    }

    private static void ValidateSpectral(StreamOptions s, string key, List<string> errors)
    {
        var c = s.Spectral;
        if (c.MaxLength is < 64 or > 4096 || (c.MaxLength & (c.MaxLength - 1)) != 0)
        {
            errors.Add($"{key}:MaxLength: {c.MaxLength} must be a power of two from 64 to 4096.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < c.Fields.Count; j++)
        {
            if (!s.NumericFields.Contains(c.Fields[j]))
            {
                errors.Add($"{key}:Fields:{j}: '{c.Fields[j]}' must be one of the stream's NumericFields.");
            }
            else if (!seen.Add(c.Fields[j]))
            {
                errors.Add($"{key}:Fields:{j}: '{c.Fields[j]}' is listed twice.");
            }
        }
    }

    private static void ValidateTap(TapOptions tap, string key, List<string> errors)
    {
        switch (tap.Kind)
        {
            case TapKinds.Tcp:
                if (!TryParseTcpAddress(tap.Address, out _))
                {
                    errors.Add($"{key}:Address: '{tap.Address}' is not a host:port with an IP address and a port 1-65535 (for example 127.0.0.1:7410).");
                }

                break;
            case TapKinds.Unix:
                if (string.IsNullOrWhiteSpace(tap.Address) || !Path.IsPathFullyQualified(tap.Address))
                {
                    errors.Add($"{key}:Address: '{tap.Address}' is not an absolute socket path.");
                }
                else if (System.Text.Encoding.UTF8.GetByteCount(tap.Address) > 107)
                {
                    errors.Add($"{key}:Address: '{tap.Address}' is longer than a Unix socket path may be (107 bytes).");
                }

                break;
            case TapKinds.Probe:
                ValidateProbe(tap.Probe, $"{key}:Probe", errors);
                break;
            case TapKinds.HttpMirror:
                if (!TryParseTcpAddress(tap.Address, out _))
                {
                    errors.Add($"{key}:Address: '{tap.Address}' is not a host:port with an IP address and a port 1-65535 (for example 127.0.0.1:8080).");
                }

                break;
            case TapKinds.Forward:
                if (!TryParseTcpAddress(tap.Address, out _))
                {
                    errors.Add($"{key}:Address: '{tap.Address}' is not a host:port with an IP address and a port 1-65535 (for example 127.0.0.1:24224).");
                }

                ValidateForward(tap, key, errors);
                break;
            case TapKinds.File:
                FileTapValidator.Validate(tap, key, errors);
                break;
            default:
                errors.Add($"{key}:Kind: '{tap.Kind}' is not a known tap (known: {TapKinds.Tcp}, {TapKinds.Unix}, {TapKinds.File}, {TapKinds.Forward}, {TapKinds.Probe}, {TapKinds.HttpMirror}).");
                break;
        }

        ForwardSecurityValidator.Validate(tap, key, errors);
        if (tap.MaxConnections is < 1 or > 65536)
        {
            errors.Add($"{key}:MaxConnections: {tap.MaxConnections} is outside 1 to 65536.");
        }

        if (tap.MaxLineBytes is < 64 or > 16 * 1024 * 1024)
        {
            errors.Add($"{key}:MaxLineBytes: {tap.MaxLineBytes} is outside 64 to 16777216.");
        }

        if (tap.MaxBacklogBytes < 2 * tap.MaxLineBytes || tap.MaxBacklogBytes > 1024 * 1024 * 1024)
        {
            errors.Add($"{key}:MaxBacklogBytes: {tap.MaxBacklogBytes} must be at least twice MaxLineBytes and at most 1073741824.");
        }
    }

    private static void ValidateProbe(ProbeOptions probe, string key, List<string> errors)
    {
        if (probe.Target != ProbeTargets.Host)
        {
            if (!probe.Target.StartsWith(ProbeTargets.CgroupPrefix, StringComparison.Ordinal))
            {
                errors.Add($"{key}:Target: '{probe.Target}' is neither 'host' nor 'cgroup:<path relative to a cgroup root>'.");
            }
            else if (!ProbeTargets.IsSafeRelativePath(ProbeTargets.CgroupPath(probe.Target), out var why))
            {
                errors.Add($"{key}:Target: '{probe.Target}': {why}.");
            }
        }

        if (probe.Interval < TimeSpan.FromMilliseconds(100) || probe.Interval > TimeSpan.FromHours(1))
        {
            errors.Add($"{key}:Interval: {probe.Interval} is outside 00:00:00.1 to 01:00:00.");
        }

        for (var j = 0; j < probe.CgroupRoots.Count; j++)
        {
            if (!Path.IsPathFullyQualified(probe.CgroupRoots[j]))
            {
                errors.Add($"{key}:CgroupRoots:{j}: '{probe.CgroupRoots[j]}' is not an absolute path.");
            }
        }

        if (!Path.IsPathFullyQualified(probe.ProcRoot))
        {
            errors.Add($"{key}:ProcRoot: '{probe.ProcRoot}' is not an absolute path.");
        }
    }

    /// <summary>A probe fills only the fields it knows; anything else would be a field that is never present.</summary>
    private static void ValidateProbeFields(StreamOptions s, string key, List<string> errors)
    {
        var known = ProbeFields.For(s.Tap.Probe.Target);
        for (var j = 0; j < s.NumericFields.Count; j++)
        {
            if (!known.Contains(s.NumericFields[j]))
            {
                errors.Add($"{key}:NumericFields:{j}: '{s.NumericFields[j]}' is not a field of a {(s.Tap.Probe.Target == ProbeTargets.Host ? "host" : "cgroup")} probe (known: {string.Join(", ", known)}).");
            }
        }

        if (s.KeyFields.Count > 0)
        {
            errors.Add($"{key}:KeyFields: a probe stream has no key fields.");
        }

        if (s.EventTime.Enabled)
        {
            errors.Add($"{key}:EventTime:Field: a probe stream is timed by arrival.");
        }
    }

    private static void ValidateForward(TapOptions tap, string key, List<string> errors)
    {
        if (tap.MaxFrameBytes is < 1024 or > 256 * 1024 * 1024)
        {
            errors.Add($"{key}:MaxFrameBytes: {tap.MaxFrameBytes} is outside 1024 to 268435456.");
        }

        if (tap.MaxDepth is < 4 or > 128)
        {
            errors.Add($"{key}:MaxDepth: {tap.MaxDepth} is outside 4 to 128.");
        }

        if (tap.MaxEntries is < 1 or > 100_000_000)
        {
            errors.Add($"{key}:MaxEntries: {tap.MaxEntries} is outside 1 to 100000000.");
        }
    }

    private static void ValidateFields(List<string> fields, string key, List<string> errors)
    {
        if (fields.Count > MaxFieldsPerKind)
        {
            errors.Add($"{key}: {fields.Count} fields is more than the {MaxFieldsPerKind} allowed.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < fields.Count; j++)
        {
            var f = fields[j];
            if (!FieldPath.TryParse(f, out _, out var why))
            {
                errors.Add($"{key}:{j}: '{f}' is not a field path: {why}");
            }
            else if (!seen.Add(f))
            {
                errors.Add($"{key}:{j}: '{f}' is listed twice.");
            }
        }
    }

    public static bool TryParseTcpAddress(string? address, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (string.IsNullOrWhiteSpace(address))
        {
            return false;
        }

        if (!IPEndPoint.TryParse(address, out var ep) || ep.Port is < 1 or > 65535)
        {
            return false;
        }

        // "7410" alone parses as an address with port 0; require both parts.
        if (!address.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        endPoint = ep;
        return true;
    }

    private static bool IsValidName(string name)
    {
        if (name.Length > 128)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
