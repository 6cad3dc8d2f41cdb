using System.Buffers;
using System.Security.Cryptography;
using MessagePack;

namespace ShadowAgent.Taps.Forward;

/// <summary>
/// The server side of the forward protocol's handshake (Forward Protocol Specification v1, "Handshake Messages"), for
/// one connection. The server opens with <c>["HELO", {"nonce": bin, "auth": salt or "", "keepalive": true}]</c>; the
/// client answers <c>["PING", client_hostname, shared_key_salt, hex(sha512(shared_key_salt + client_hostname + nonce +
/// shared_key)), username, hex(sha512(auth_salt + username + password))]</c> (the last two empty without user
/// authentication); the server checks both digests and answers <c>["PONG", ok, reason, server_hostname,
/// hex(sha512(shared_key_salt + server_hostname + nonce + shared_key))]</c>, so the client can check the server too, and
/// closes when not ok. The nonce is fresh per connection, so a recorded PING does not open another connection. Digests
/// are compared in constant time, after decoding from hex (either case); salts are taken as raw bytes whether sent as
/// str or bin (Fluent Bit sends 16 random bytes as a str). The PING is read with the low-level reader, every field's
/// length bounded before it is used.
/// </summary>
internal sealed class ForwardHandshake
{
    /// <summary>Largest PING read: two names and a salt of at most 255 bytes, two 128-byte digests, headers.</summary>
    public const int MaxPingBytes = 2048;

    private const int NonceBytes = 16;
    private const int DigestBytes = 64;
    private const int MaxFieldBytes = 255;

    private static readonly byte[] Ping = "PING"u8.ToArray();

    private readonly ForwardSecurity _security;
    private readonly byte[] _nonce = new byte[NonceBytes];
    private readonly byte[] _authSalt;

    public ForwardHandshake(ForwardSecurity security)
    {
        _security = security;
        RandomNumberGenerator.Fill(_nonce);
        _authSalt = security.Users.Length > 0 ? RandomNumberGenerator.GetBytes(NonceBytes) : [];
    }

    public ReadOnlySpan<byte> Nonce => _nonce;

    public ReadOnlySpan<byte> AuthSalt => _authSalt;

    /// <summary>The HELO message: the nonce and the auth salt as bin (the empty str when no user authentication).</summary>
    public byte[] Helo()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.WriteString("HELO"u8);
        writer.WriteMapHeader(3);
        writer.WriteString("nonce"u8);
        writer.Write(_nonce);
        writer.WriteString("auth"u8);
        if (_authSalt.Length > 0)
        {
            writer.Write(_authSalt);
        }
        else
        {
            writer.WriteString(""u8);
        }

        writer.WriteString("keepalive"u8);
        writer.Write(true);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decides from the first bytes what the client's first message is, before it is whole: a PING (wait for all of it),
    /// or something that can never become one (a forward message, garbage), which fails at once instead of at the timeout.
    /// </summary>
    /// <returns><see cref="HandshakeFailure.None"/> while it may still be a PING.</returns>
    public static HandshakeFailure Classify(in ReadOnlySequence<byte> buffer)
    {
        try
        {
            var reader = new MessagePackReader(buffer);
            if (reader.NextMessagePackType != MessagePackType.Array)
            {
                return HandshakeFailure.MalformedPing;
            }

            var count = reader.ReadArrayHeader();
            if (reader.NextMessagePackType != MessagePackType.String)
            {
                return count is >= 2 and <= 4 ? HandshakeFailure.RecordsBeforePing : HandshakeFailure.MalformedPing;
            }

            var first = reader.ReadStringSequence();
            if (first is not { } name || !name.IsSingleSegment || !name.FirstSpan.SequenceEqual(Ping))
            {
                // A tag (or a split one, which is never the four bytes of "PING" in practice) starts a forward message.
                return count is >= 2 and <= 4 ? HandshakeFailure.RecordsBeforePing : HandshakeFailure.MalformedPing;
            }

            return count == 6 ? HandshakeFailure.None : HandshakeFailure.MalformedPing;
        }
        catch (EndOfStreamException)
        {
            return HandshakeFailure.None;
        }
        catch (MessagePackSerializationException)
        {
            return HandshakeFailure.MalformedPing;
        }
    }

    /// <summary>Checks a whole PING (already scanned to its end) and writes the PONG to send either way.</summary>
    public HandshakeFailure Check(in ReadOnlySequence<byte> message, out byte[] pong)
    {
        Span<byte> salt = stackalloc byte[MaxFieldBytes];
        Span<byte> clientHostname = stackalloc byte[MaxFieldBytes];
        Span<byte> username = stackalloc byte[MaxFieldBytes];
        Span<byte> keyDigest = stackalloc byte[DigestBytes];
        Span<byte> passwordDigest = stackalloc byte[DigestBytes];
        var failure = Read(message, clientHostname, out var hostnameLength, salt, out var saltLength, keyDigest, username, out var usernameLength, passwordDigest);
        if (failure == HandshakeFailure.None)
        {
            failure = Verify(clientHostname[..hostnameLength], salt[..saltLength], keyDigest, username[..usernameLength], passwordDigest);
        }

        pong = failure == HandshakeFailure.None
            ? Pong(ok: true, "", ServerDigestHex(salt[..saltLength]))
            : Pong(ok: false, HandshakeFailures.Reason(failure), []);
        return failure;
    }

    /// <summary>The PONG of a failure found before a whole PING arrived (timeout, oversize, a forward message first).</summary>
    public byte[] FailurePong(HandshakeFailure failure) => Pong(ok: false, HandshakeFailures.Reason(failure), []);

    private HandshakeFailure Read(
        in ReadOnlySequence<byte> message,
        Span<byte> hostname, out int hostnameLength,
        Span<byte> salt, out int saltLength,
        Span<byte> keyDigest,
        Span<byte> username, out int usernameLength,
        Span<byte> passwordDigest)
    {
        hostnameLength = saltLength = usernameLength = 0;
        try
        {
            var shape = Classify(message);
            if (shape != HandshakeFailure.None)
            {
                return shape;
            }

            var reader = new MessagePackReader(message);
            reader.ReadArrayHeader();
            reader.Skip(); // "PING"
            if (!TryReadBytes(ref reader, hostname, allowBinary: false, out hostnameLength)
                || !TryReadBytes(ref reader, salt, allowBinary: true, out saltLength)
                || !TryReadDigest(ref reader, keyDigest)
                || !TryReadBytes(ref reader, username, allowBinary: false, out usernameLength))
            {
                return HandshakeFailure.MalformedPing;
            }

            if (_security.Users.Length == 0)
            {
                // Without user authentication the last field is "" by the spec; whatever a client puts there is ignored.
                reader.Skip();
                return HandshakeFailure.None;
            }

            return TryReadDigest(ref reader, passwordDigest) ? HandshakeFailure.None : HandshakeFailure.MalformedPing;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            return HandshakeFailure.MalformedPing;
        }
    }

    private HandshakeFailure Verify(ReadOnlySpan<byte> clientHostname, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> keyDigest, ReadOnlySpan<byte> username, ReadOnlySpan<byte> passwordDigest)
    {
        Span<byte> expected = stackalloc byte[DigestBytes];
        Digest(expected, salt, clientHostname, _nonce, _security.SharedKey);
        if (!CryptographicOperations.FixedTimeEquals(expected, keyDigest))
        {
            return HandshakeFailure.SharedKeyMismatch;
        }

        if (_security.Users.Length == 0)
        {
            return HandshakeFailure.None;
        }

        // An unknown user costs the same hash as a known one, so timing does not tell which names exist.
        var password = (ReadOnlySpan<byte>)_security.Users[0].Password;
        var known = false;
        foreach (var (name, secret) in _security.Users)
        {
            if (name.AsSpan().SequenceEqual(username))
            {
                password = secret;
                known = true;
                break;
            }
        }

        Digest(expected, _authSalt, username, password, []);
        return CryptographicOperations.FixedTimeEquals(expected, passwordDigest) && known ? HandshakeFailure.None : HandshakeFailure.UserMismatch;
    }

    private byte[] ServerDigestHex(ReadOnlySpan<byte> salt)
    {
        Span<byte> digest = stackalloc byte[DigestBytes];
        Digest(digest, salt, _security.SelfHostname, _nonce, _security.SharedKey);
        return System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(digest));
    }

    private byte[] Pong(bool ok, string reason, ReadOnlySpan<byte> digestHex)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.WriteString("PONG"u8);
        writer.Write(ok);
        writer.Write(reason);
        writer.WriteString(_security.SelfHostname);
        writer.WriteString(digestHex);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void Digest(Span<byte> destination, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, ReadOnlySpan<byte> d)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData(a);
        hash.AppendData(b);
        hash.AppendData(c);
        hash.AppendData(d);
        hash.GetHashAndReset(destination);
    }

    /// <summary>A str (or, for salts, a bin) of at most the destination's length, copied raw.</summary>
    private static bool TryReadBytes(ref MessagePackReader reader, scoped Span<byte> destination, bool allowBinary, out int length)
    {
        length = 0;
        ReadOnlySequence<byte>? value;
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.String:
                value = reader.ReadStringSequence();
                break;
            case MessagePackType.Binary when allowBinary:
                value = reader.ReadBytes();
                break;
            default:
                return false;
        }

        if (value is not { } bytes || bytes.Length > destination.Length)
        {
            return false;
        }

        bytes.CopyTo(destination);
        length = (int)bytes.Length;
        return true;
    }

    /// <summary>A str of exactly 128 hex digits (either case), decoded into 64 bytes.</summary>
    private static bool TryReadDigest(ref MessagePackReader reader, scoped Span<byte> destination)
    {
        Span<byte> hex = stackalloc byte[DigestBytes * 2];
        if (!TryReadBytes(ref reader, hex, allowBinary: false, out var length) || length != hex.Length)
        {
            return false;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var high = HexValue(hex[2 * i]);
            var low = HexValue(hex[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
