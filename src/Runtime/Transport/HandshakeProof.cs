using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Synod.Runtime.Transport;

/// <summary>
/// The challenge-response of the handshake. Each side proves it knows the cluster key with
/// HMAC-SHA256 over a transcript of the whole exchange: protocol version, the prover's role,
/// cluster name, dialer and listener ids, and both nonces. Both nonces are fresh per connection,
/// so a recorded proof never verifies again; the role and the ordered ids keep a side from
/// replaying the other side's proof back to it.
/// </summary>
internal static class HandshakeProof
{
    public const uint ProtocolVersion = 1;
    public const int NonceBytes = 32;
    public const int MacBytes = 32;

    private static ReadOnlySpan<byte> Domain => "synod-transport-handshake"u8;

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceBytes);

    public static byte[] Compute(
        ReadOnlySpan<byte> key,
        HandshakeRole prover,
        string clusterName,
        SiloId dialer,
        SiloId listener,
        ReadOnlySpan<byte> dialerNonce,
        ReadOnlySpan<byte> listenerNonce)
    {
        byte[] transcript = Transcript(prover, clusterName, dialer, listener, dialerNonce, listenerNonce);
        return HMACSHA256.HashData(key, transcript);
    }

    /// <summary>Recomputes the expected proof and compares it in constant time.</summary>
    public static bool Verify(
        ReadOnlySpan<byte> key,
        HandshakeRole prover,
        string clusterName,
        SiloId dialer,
        SiloId listener,
        ReadOnlySpan<byte> dialerNonce,
        ReadOnlySpan<byte> listenerNonce,
        ReadOnlySpan<byte> mac)
    {
        byte[] expected = Compute(key, prover, clusterName, dialer, listener, dialerNonce, listenerNonce);
        return mac.Length == MacBytes && CryptographicOperations.FixedTimeEquals(expected, mac);
    }

    // Every variable-length field is length-prefixed, so no two different transcripts encode alike.
    private static byte[] Transcript(
        HandshakeRole prover, string clusterName, SiloId dialer, SiloId listener,
        ReadOnlySpan<byte> dialerNonce, ReadOnlySpan<byte> listenerNonce)
    {
        int nameBytes = Encoding.UTF8.GetByteCount(clusterName);
        var transcript = new byte[Domain.Length + 4 + 1 + 4 + nameBytes + 4 + 4 + 4 + dialerNonce.Length + 4 + listenerNonce.Length];
        Span<byte> rest = transcript;
        Domain.CopyTo(rest);
        rest = rest[Domain.Length..];
        BinaryPrimitives.WriteUInt32BigEndian(rest, ProtocolVersion);
        rest[4] = (byte)prover;
        rest = rest[5..];
        BinaryPrimitives.WriteInt32BigEndian(rest, nameBytes);
        Encoding.UTF8.GetBytes(clusterName, rest[4..]);
        rest = rest[(4 + nameBytes)..];
        BinaryPrimitives.WriteInt32BigEndian(rest, dialer.Value);
        BinaryPrimitives.WriteInt32BigEndian(rest[4..], listener.Value);
        rest = rest[8..];
        rest = WriteWithLength(rest, dialerNonce);
        rest = WriteWithLength(rest, listenerNonce);
        if (!rest.IsEmpty)
        {
            throw new InvalidOperationException($"Handshake transcript miscounted: {rest.Length} bytes left over.");
        }

        return transcript;
    }

    private static Span<byte> WriteWithLength(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, value.Length);
        value.CopyTo(destination[4..]);
        return destination[(4 + value.Length)..];
    }
}
