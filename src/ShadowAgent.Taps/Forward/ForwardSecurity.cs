using System.Text;
using ShadowAgent.Core.Streams;

namespace ShadowAgent.Taps.Forward;

/// <summary>A forward tap's handshake settings with the secrets read (from the config or their files) as UTF-8 bytes.</summary>
internal sealed class ForwardSecurity
{
    private ForwardSecurity(byte[] selfHostname, byte[] sharedKey, (byte[] Username, byte[] Password)[] users, TimeSpan timeout)
    {
        SelfHostname = selfHostname;
        SharedKey = sharedKey;
        Users = users;
        HandshakeTimeout = timeout;
    }

    public byte[] SelfHostname { get; }

    public byte[] SharedKey { get; }

    /// <summary>Users admitted; empty: no user authentication (HELO's auth salt is then the empty string).</summary>
    public (byte[] Username, byte[] Password)[] Users { get; }

    public TimeSpan HandshakeTimeout { get; }

    /// <summary>Null when the stream has no shared key (no handshake).</summary>
    /// <exception cref="InvalidOperationException">A secret file cannot be read; the message names its key.</exception>
    public static ForwardSecurity? From(StreamOptions stream)
    {
        var s = stream.Tap.Security;
        if (!s.Enabled)
        {
            return null;
        }

        var hostname = s.SelfHostname.Length > 0 ? s.SelfHostname : Environment.MachineName;
        var key = Secret(stream.Name, s.SharedKey, s.SharedKeyFile, "Tap:Security:SharedKeyFile");
        var users = new (byte[], byte[])[s.Users.Count];
        for (var i = 0; i < users.Length; i++)
        {
            var u = s.Users[i];
            users[i] = (Encoding.UTF8.GetBytes(u.Username), Secret(stream.Name, u.Password, u.PasswordFile, $"Tap:Security:Users:{i}:PasswordFile"));
        }

        return new ForwardSecurity(Encoding.UTF8.GetBytes(hostname), key, users, s.HandshakeTimeout);
    }

    /// <summary>Settings made directly (tests, benchmarks).</summary>
    public static ForwardSecurity Create(string selfHostname, string sharedKey, IEnumerable<(string Username, string Password)> users, TimeSpan timeout) =>
        new(Encoding.UTF8.GetBytes(selfHostname), Encoding.UTF8.GetBytes(sharedKey),
            [.. users.Select(u => (Encoding.UTF8.GetBytes(u.Username), Encoding.UTF8.GetBytes(u.Password)))], timeout);

    private static byte[] Secret(string stream, string value, string file, string fileKey)
    {
        if (file.Length == 0)
        {
            return Encoding.UTF8.GetBytes(value);
        }

        if (!SecretFile.TryRead(file, out var secret, out var why))
        {
            throw new InvalidOperationException($"Stream '{stream}': {fileKey} '{file}' {why}.");
        }

        return Encoding.UTF8.GetBytes(secret);
    }
}
