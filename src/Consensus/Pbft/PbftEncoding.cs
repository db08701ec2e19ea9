using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Synod.Consensus.Pbft;

/// <summary>
/// The canonical bytes of each message that its signature covers, and the digest of a request
/// batch. Nested messages (certificates and proofs) are bound by their identities; each carries its
/// own signature and is checked on its own.
/// </summary>
public static class PbftEncoding
{
    private enum Tag : byte
    {
        PrePrepare = 1,
        Prepare = 2,
        Commit = 3,
        Checkpoint = 4,
        ViewChange = 5,
        NewView = 6,
        ForwardedRequest = 7,
        Batch = 8,
    }

    /// <summary>The bytes a client's authenticator covers: client, timestamp and operation.</summary>
    public static byte[] RequestBytes(ClientRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var writer = new ArrayBufferWriter<byte>(32 + request.Operation.Length);
        WriteRequest(writer, request);
        return writer.WrittenSpan.ToArray();
    }

    public static Digest BatchDigest(ImmutableArray<ClientRequest> batch)
    {
        var writer = new ArrayBufferWriter<byte>(64);
        Write(writer, (byte)Tag.Batch);
        Write(writer, (ulong)batch.Length);
        foreach (var request in batch)
        {
            WriteRequest(writer, request);
            Write(writer, (ulong)request.Authenticator.Length);
            writer.Write(request.Authenticator.Span);
        }

        return Digest.Of(writer.WrittenSpan);
    }

    public static byte[] SigningBytes(PbftMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var writer = new ArrayBufferWriter<byte>(128);
        switch (message)
        {
            case PrePrepare m: WriteAgreement(writer, Tag.PrePrepare, m.From, m.View, m.Sequence, m.Digest); break;
            case Prepare m: WriteAgreement(writer, Tag.Prepare, m.From, m.View, m.Sequence, m.Digest); break;
            case Commit m: WriteAgreement(writer, Tag.Commit, m.From, m.View, m.Sequence, m.Digest); break;
            case Checkpoint m: WriteCheckpoint(writer, m); break;
            case ViewChange m: WriteViewChange(writer, m); break;
            case NewView m: WriteNewView(writer, m); break;
            case ForwardedRequest m:
                Write(writer, (byte)Tag.ForwardedRequest);
                Write(writer, (ulong)m.From.Value);
                WriteRequest(writer, m.Request);
                break;
            default: throw new ArgumentException("unknown message " + message.GetType().Name, nameof(message));
        }

        return writer.WrittenSpan.ToArray();
    }

    private static void WriteAgreement(ArrayBufferWriter<byte> writer, Tag tag, ReplicaIndex from, View view, SequenceNumber sequence, Digest digest)
    {
        Write(writer, (byte)tag);
        Write(writer, (ulong)from.Value);
        Write(writer, view.Value);
        Write(writer, sequence.Value);
        WriteDigest(writer, digest);
    }

    private static void WriteCheckpoint(ArrayBufferWriter<byte> writer, Checkpoint m)
    {
        Write(writer, (byte)Tag.Checkpoint);
        Write(writer, (ulong)m.From.Value);
        Write(writer, m.Sequence.Value);
        WriteDigest(writer, m.StateDigest);
    }

    private static void WriteViewChange(ArrayBufferWriter<byte> writer, ViewChange m)
    {
        Write(writer, (byte)Tag.ViewChange);
        Write(writer, (ulong)m.From.Value);
        Write(writer, m.NewView.Value);
        Write(writer, m.StableCheckpoint.Value);
        WriteDigest(writer, m.StableDigest);
        Write(writer, (ulong)m.CheckpointProof.Length);
        foreach (var checkpoint in m.CheckpointProof)
        {
            WriteCheckpoint(writer, checkpoint);
        }

        Write(writer, (ulong)m.Prepared.Length);
        foreach (var certificate in m.Prepared)
        {
            var pp = certificate.PrePrepare;
            WriteAgreement(writer, Tag.PrePrepare, pp.From, pp.View, pp.Sequence, pp.Digest);
            Write(writer, (ulong)certificate.Prepares.Length);
            foreach (var prepare in certificate.Prepares)
            {
                WriteAgreement(writer, Tag.Prepare, prepare.From, prepare.View, prepare.Sequence, prepare.Digest);
            }
        }
    }

    private static void WriteNewView(ArrayBufferWriter<byte> writer, NewView m)
    {
        Write(writer, (byte)Tag.NewView);
        Write(writer, (ulong)m.From.Value);
        Write(writer, m.View.Value);
        Write(writer, (ulong)m.ViewChanges.Length);
        foreach (var viewChange in m.ViewChanges)
        {
            Write(writer, (ulong)viewChange.From.Value);
            WriteDigest(writer, Digest.Of(SigningBytes(viewChange)));
        }

        Write(writer, (ulong)m.PrePrepares.Length);
        foreach (var pp in m.PrePrepares)
        {
            WriteAgreement(writer, Tag.PrePrepare, pp.From, pp.View, pp.Sequence, pp.Digest);
        }
    }

    private static void WriteRequest(ArrayBufferWriter<byte> writer, ClientRequest request)
    {
        Write(writer, request.Client);
        Write(writer, request.Timestamp);
        Write(writer, (ulong)request.Operation.Length);
        writer.Write(request.Operation.Span);
    }

    private static void WriteDigest(ArrayBufferWriter<byte> writer, Digest digest)
    {
        digest.WriteTo(writer.GetSpan(32));
        writer.Advance(32);
    }

    private static void Write(ArrayBufferWriter<byte> writer, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    private static void Write(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }
}
