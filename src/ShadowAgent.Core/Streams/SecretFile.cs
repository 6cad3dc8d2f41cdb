using System.Text;

namespace ShadowAgent.Core.Streams;

/// <summary>
/// Reads a secret (a shared key, a password) from its own file, so the main configuration can be shared without it.
/// The whole file is the secret, minus one trailing newline (editors add one); it must be UTF-8 and not empty.
/// </summary>
public static class SecretFile
{
    /// <summary>Longest secret read, in bytes: far above any real key, low enough that a wrong path cannot load a large file.</summary>
    public const int MaxBytes = 4096;

    public static bool TryRead(string path, out string secret, out string why)
    {
        secret = "";
        if (!Path.IsPathFullyQualified(path))
        {
            why = "is not an absolute path";
            return false;
        }

        byte[] bytes;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (file.Length > MaxBytes)
            {
                why = $"is longer than {MaxBytes} bytes";
                return false;
            }

            bytes = new byte[(int)file.Length];
            file.ReadExactly(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = $"cannot be read: {e.Message}";
            return false;
        }

        var length = bytes.Length;
        if (length > 0 && bytes[length - 1] == (byte)'\n')
        {
            length--;
            if (length > 0 && bytes[length - 1] == (byte)'\r')
            {
                length--;
            }
        }

        try
        {
            secret = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            why = "is not UTF-8 text";
            return false;
        }

        if (secret.Length == 0)
        {
            why = "is empty";
            return false;
        }

        why = "";
        return true;
    }
}
