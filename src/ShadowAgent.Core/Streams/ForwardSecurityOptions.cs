namespace ShadowAgent.Core.Streams;

/// <summary>
/// The forward protocol's handshake (Forward Protocol Specification v1: HELO, PING, PONG) for a forward tap. Off
/// while no shared key is set: the tap then reads messages from the first byte, as before. When on, every connection
/// must prove it knows the shared key (and, when <see cref="Users"/> is not empty, a user's password) before any of
/// its records is accepted. The handshake authenticates; it does not encrypt (there is no TLS on this tap).
/// </summary>
public sealed class ForwardSecurityOptions
{
    /// <summary>The name this agent gives in PONG and mixes into its digest; empty: the machine's host name.</summary>
    public string SelfHostname { get; set; } = "";

    /// <summary>The secret both ends know; setting it (or <see cref="SharedKeyFile"/>) turns the handshake on.</summary>
    public string SharedKey { get; set; } = "";

    /// <summary>A file holding the shared key (one trailing newline ignored), so the secret stays out of the main config.</summary>
    public string SharedKeyFile { get; set; } = "";

    /// <summary>Users allowed in; empty: the shared key alone admits a client.</summary>
    public List<ForwardUserOptions> Users { get; set; } = [];

    /// <summary>How long a new connection has to send its PING; a slower one is counted and closed.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>True when a shared key is configured, directly or through a file.</summary>
    public bool Enabled => SharedKey.Length > 0 || SharedKeyFile.Length > 0;

    /// <summary>True when any handshake setting is present (the validator rejects them on taps that are not forward taps).</summary>
    public bool Configured => Enabled || Users.Count > 0 || SelfHostname.Length > 0;
}

/// <summary>One user of the forward handshake's user authentication.</summary>
public sealed class ForwardUserOptions
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>A file holding the password (one trailing newline ignored) instead of <see cref="Password"/>.</summary>
    public string PasswordFile { get; set; } = "";
}
