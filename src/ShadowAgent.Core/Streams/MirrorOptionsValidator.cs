namespace ShadowAgent.Core.Streams;

/// <summary>
/// Checks an HTTP mirror stream: its <see cref="MirrorOptions"/>, and that its key and numeric fields are ones
/// the mirror emits (<see cref="MirrorFields"/>), since a mirror stream has no free-form records to read them from.
/// </summary>
public static class MirrorOptionsValidator
{
    public static void Validate(StreamOptions s, string key, List<string> errors)
    {
        var m = s.Tap.Mirror;
        var mk = $"{key}:Tap:Mirror";
        if (!StreamOptionsValidator.TryParseTcpAddress(m.Primary, out _))
        {
            errors.Add($"{mk}:Primary: '{m.Primary}' is not an ip:port (for example 127.0.0.1:8081).");
        }

        if (!StreamOptionsValidator.TryParseTcpAddress(m.Shadow, out _))
        {
            errors.Add($"{mk}:Shadow: '{m.Shadow}' is not an ip:port (for example 127.0.0.1:8082).");
        }

        if (!(m.Rate >= 0 && m.Rate <= 1))
        {
            errors.Add($"{mk}:Rate: {m.Rate} is outside [0, 1].");
        }

        if (m.Mode is not (SamplingModes.Random or SamplingModes.Hash))
        {
            errors.Add($"{mk}:Mode: '{m.Mode}' is not a known sampling mode (known: {SamplingModes.Random}, {SamplingModes.Hash}).");
        }
        else if (m.Mode == SamplingModes.Hash && !IsHashOn(m.HashOn))
        {
            errors.Add($"{mk}:HashOn: '{m.HashOn}' is neither '{MirrorHashOn.Path}' nor '{MirrorHashOn.HeaderPrefix}Name' with a header name.");
        }

        CheckRange(m.QueueCapacity, 1, 1_000_000, $"{mk}:QueueCapacity", errors);
        CheckRange(m.MaxConcurrency, 1, 4096, $"{mk}:MaxConcurrency", errors);
        CheckRange(m.MaxBodyBytes, 0, 64 * 1024 * 1024, $"{mk}:MaxBodyBytes", errors);
        CheckRange(m.MaxHeaderBytes, 1024, 1024 * 1024, $"{mk}:MaxHeaderBytes", errors);
        CheckRange(m.PrimaryPoolSize, 0, 65536, $"{mk}:PrimaryPoolSize", errors);
        if (m.ShadowTimeout <= TimeSpan.Zero || m.ShadowTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{mk}:ShadowTimeout: {m.ShadowTimeout} is outside (00:00:00, 00:10:00].");
        }

        var b = m.Breaker ?? new MirrorBreakerOptions();
        CheckRange(b.Failures, 0, 1000, $"{mk}:Breaker:Failures", errors);
        if (b.OpenFor <= TimeSpan.Zero || b.OpenFor > TimeSpan.FromHours(1))
        {
            errors.Add($"{mk}:Breaker:OpenFor: {b.OpenFor} is outside (00:00:00, 01:00:00].");
        }
        else if (b.MaxOpenFor < b.OpenFor || b.MaxOpenFor > TimeSpan.FromHours(1))
        {
            errors.Add($"{mk}:Breaker:MaxOpenFor: {b.MaxOpenFor} is outside [{b.OpenFor}, 01:00:00] (at least OpenFor).");
        }

        if (!(b.Jitter >= 0 && b.Jitter < 1))
        {
            errors.Add($"{mk}:Breaker:Jitter: {b.Jitter} is outside [0, 1).");
        }

        if (!string.IsNullOrEmpty(m.ProfilePath) && !Path.IsPathFullyQualified(m.ProfilePath))
        {
            errors.Add($"{mk}:ProfilePath: '{m.ProfilePath}' is not an absolute path.");
        }

        CheckFields(s.KeyFields, MirrorFields.Keys, $"{key}:KeyFields", errors);
        CheckFields(s.NumericFields, MirrorFields.Numbers, $"{key}:NumericFields", errors);
        if (s.EventTime.Enabled)
        {
            errors.Add($"{key}:EventTime:Field: an http-mirror stream is timed by arrival; remove it.");
        }
    }

    private static bool IsHashOn(string hashOn) =>
        hashOn == MirrorHashOn.Path
        || (hashOn.StartsWith(MirrorHashOn.HeaderPrefix, StringComparison.OrdinalIgnoreCase)
            && hashOn.Length > MirrorHashOn.HeaderPrefix.Length
            && hashOn.AsSpan(MirrorHashOn.HeaderPrefix.Length).IndexOfAny(" \t:\r\n") < 0);

    private static void CheckRange(int value, int min, int max, string key, List<string> errors)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key}: {value} is outside {min} to {max}.");
        }
    }

    private static void CheckFields(List<string> fields, IReadOnlyList<string> known, string key, List<string> errors)
    {
        for (var j = 0; j < fields.Count; j++)
        {
            if (!known.Contains(fields[j]))
            {
                errors.Add($"{key}:{j}: '{fields[j]}' is not a field the http mirror emits (known: {string.Join(", ", known)}).");
            }
        }
    }
}
