using System.Text;

namespace ShadowAgent.Core.Streams;

/// <summary>Checks a forward tap's handshake settings; every message names the key at fault.</summary>
internal static class ForwardSecurityValidator
{
    /// <summary>Longest host name or user name, in UTF-8 bytes (a DNS name's limit); the handshake bounds what it reads by it.</summary>
    public const int MaxNameBytes = 255;

    public static void Validate(TapOptions tap, string key, List<string> errors)
    {
        var s = tap.Security;
        key += ":Security";
        if (!s.Configured)
        {
            return;
        }

        if (tap.Kind != TapKinds.Forward)
        {
            errors.Add($"{key}: only forward taps (Tap:Kind '{TapKinds.Forward}') have a handshake.");
            return;
        }

        ValidateSecret(s.SharedKey, s.SharedKeyFile, $"{key}:SharedKey", $"{key}:SharedKeyFile", "shared key", errors);
        if (Encoding.UTF8.GetByteCount(s.SelfHostname) > MaxNameBytes || s.SelfHostname.Any(char.IsControl))
        {
            errors.Add($"{key}:SelfHostname: '{s.SelfHostname}' must be at most {MaxNameBytes} bytes without control characters.");
        }

        if (s.HandshakeTimeout < TimeSpan.FromMilliseconds(100) || s.HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{key}:HandshakeTimeout: {s.HandshakeTimeout} is outside 00:00:00.1 to 00:05:00.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < s.Users.Count; i++)
        {
            var u = s.Users[i];
            var userKey = $"{key}:Users:{i}";
            if (u.Username.Length == 0)
            {
                errors.Add($"{userKey}:Username: a user needs a name.");
            }
            else if (Encoding.UTF8.GetByteCount(u.Username) > MaxNameBytes)
            {
                errors.Add($"{userKey}:Username: '{u.Username}' is longer than {MaxNameBytes} bytes.");
            }
            else if (!names.Add(u.Username))
            {
                errors.Add($"{userKey}:Username: '{u.Username}' is listed twice.");
            }

            ValidateSecret(u.Password, u.PasswordFile, $"{userKey}:Password", $"{userKey}:PasswordFile", "password", errors);
        }
    }

    private static void ValidateSecret(string value, string file, string valueKey, string fileKey, string what, List<string> errors)
    {
        var fileName = fileKey[(fileKey.LastIndexOf(':') + 1)..];
        if (value.Length > 0 && file.Length > 0)
        {
            errors.Add($"{valueKey}: set the {what} or {fileName}, not both.");
        }
        else if (file.Length > 0)
        {
            if (!SecretFile.TryRead(file, out _, out var why))
            {
                errors.Add($"{fileKey}: '{file}' {why}.");
            }
        }
        else if (value.Length == 0)
        {
            errors.Add($"{valueKey}: the handshake needs a {what} (or {fileName}).");
        }
        else if (Encoding.UTF8.GetByteCount(value) > SecretFile.MaxBytes)
        {
            errors.Add($"{valueKey}: the {what} is longer than {SecretFile.MaxBytes} bytes.");
        }
    }
}
