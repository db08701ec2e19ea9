using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Interfaces.Pbft;

/// <summary>
/// A client's authenticator on a PBFT request (Castro and Liskov, TOCS 2002 §3.2): one HMAC-SHA256
/// per replica, in replica order, over the request's client id, timestamp and operation — the same
/// bytes the core's ClientMac verifies (little-endian client, timestamp, operation length, then the
/// operation), so that a client needs no reference to the core.
/// </summary>
public static class PbftRequestMac
{
    /// <summary>Bytes of one replica's MAC.</summary>
    public const int MacBytes = 32;

    /// <summary>Sets <paramref name="request"/>'s authenticator for <paramref name="replicaCount"/> replicas.</summary>
    public static void Authenticate(PbftClientRequest request, int replicaCount, Func<int, byte[]> keyForReplica)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(keyForReplica);
        byte[] data = SignedBytes(request);
        var vector = new byte[replicaCount * MacBytes];
        for (int i = 0; i < replicaCount; i++)
        {
            HMACSHA256.HashData(keyForReplica(i), data, vector.AsSpan(i * MacBytes, MacBytes));
        }

        request.Authenticator = ByteString.CopyFrom(vector);
    }

    /// <summary>The bytes each replica's MAC covers.</summary>
    public static byte[] SignedBytes(PbftClientRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bytes = new byte[24 + request.Operation.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, request.Client);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), request.Timestamp);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), (ulong)request.Operation.Length);
        request.Operation.Span.CopyTo(bytes.AsSpan(24));
        return bytes;
    }
}
