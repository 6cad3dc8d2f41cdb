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
            if (!string.IsNullOrEmpty(s.Tap.Address) && !addresses.Add(s.Tap.Kind + "|" + s.Tap.Address))
            {
                errors.Add($"{key}:Tap:Address: '{s.Tap.Address}' is already used by another stream.");
            }

            if (s.Format != StreamFormats.NdJson)
            {
                errors.Add($"{key}:Format: '{s.Format}' is not a known format (known: {StreamFormats.NdJson}).");
            }

            ValidateFields(s.KeyFields, $"{key}:KeyFields", errors);
            ValidateFields(s.NumericFields, $"{key}:NumericFields", errors);

            if (s.Window < TimeSpan.FromMilliseconds(100) || s.Window > TimeSpan.FromHours(24))
            {
                errors.Add($"{key}:Window: {s.Window} is outside 00:00:00.1 to 1.00:00:00.");
            }
            else if (TimeSpan.FromDays(1).Ticks % s.Window.Ticks != 0)
            {
                errors.Add($"{key}:Window: {s.Window} must divide a day evenly so windows align across hosts.");
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
            default:
                errors.Add($"{key}:Kind: '{tap.Kind}' is not a known tap (known: {TapKinds.Tcp}, {TapKinds.Unix}).");
                break;
        }

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
