namespace ShadowAgent.Taps.Forward;

/// <summary>Why a connection did not get through the forward handshake; each is counted under its own reason.</summary>
internal enum HandshakeFailure
{
    /// <summary>The handshake succeeded.</summary>
    None,

    /// <summary>The first message is not a well-formed PING (wrong shape, wrong digest length, not hex, garbage).</summary>
    MalformedPing,

    /// <summary>The client sent a forward message before a successful PING; nothing of it is accepted.</summary>
    RecordsBeforePing,

    /// <summary>The PING's shared-key digest does not match: the client does not know the key.</summary>
    SharedKeyMismatch,

    /// <summary>User authentication is on and the user is unknown or the password digest does not match.</summary>
    UserMismatch,

    /// <summary>The PING is larger than a PING can be.</summary>
    Oversize,

    /// <summary>The connection ended before a whole PING arrived.</summary>
    Truncated,

    /// <summary>No whole PING arrived within the handshake timeout.</summary>
    Timeout,
}

internal static class HandshakeFailures
{
    public static readonly HandshakeFailure[] All = Enum.GetValues<HandshakeFailure>();

    /// <summary>The metrics tag of a failure.</summary>
    public static string Tag(HandshakeFailure failure) => failure switch
    {
        HandshakeFailure.MalformedPing => "malformed_ping",
        HandshakeFailure.RecordsBeforePing => "records_before_ping",
        HandshakeFailure.SharedKeyMismatch => "shared_key_mismatch",
        HandshakeFailure.UserMismatch => "user_mismatch",
        HandshakeFailure.Oversize => "oversize_ping",
        HandshakeFailure.Truncated => "truncated_ping",
        HandshakeFailure.Timeout => "timeout",
        _ => "none",
    };

    /// <summary>The reason PONG carries to the client (Fluentd's wording where Fluentd has one).</summary>
    public static string Reason(HandshakeFailure failure) => failure switch
    {
        HandshakeFailure.MalformedPing => "invalid ping message",
        HandshakeFailure.RecordsBeforePing => "records sent before a successful PING",
        HandshakeFailure.SharedKeyMismatch => "shared_key mismatch",
        HandshakeFailure.UserMismatch => "username/password mismatch",
        HandshakeFailure.Oversize => "ping message too large",
        HandshakeFailure.Truncated => "connection ended inside the PING",
        HandshakeFailure.Timeout => "no PING before the handshake timeout",
        _ => "",
    };
}
