using System.Collections.Immutable;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Synod.Consensus.Pbft;
using Synod.Grains.Interfaces.Wire;

namespace Synod.Grains.Wire;

/// <summary>
/// Builds core messages from a peer's wire messages. Each method returns why the input cannot be
/// represented, or null with the message; nothing here throws on a peer's input (STYLE §5).
/// Protocol checks (signatures, views, watermarks, array bounds) stay with the core.
/// </summary>
internal static class PbftWireDecoder
{
    public static string? TryDecode(PbftClientRequest? wire, out ClientRequest? request)
    {
        request = null;
        if (wire is null)
        {
            return "client request missing";
        }

        request = new ClientRequest(wire.Client, wire.Timestamp, wire.Operation.Memory) { Authenticator = wire.Authenticator.Memory };
        return null;
    }

    public static string? TryDecode(PbftPrePrepare? wire, out PrePrepare? message)
    {
        message = null;
        if (wire is null)
        {
            return "pre-prepare missing";
        }

        var batch = ImmutableArray.CreateBuilder<ClientRequest>(wire.Batch.Count);
        foreach (PbftClientRequest request in wire.Batch)
        {
            TryDecode(request, out ClientRequest? decoded);
            batch.Add(decoded!);
        }

        ReplicaIndex from = default;
        Digest digest = default;
        string? error = TryReplica(wire.From, out from) ?? TryDigest(wire.Digest, out digest);
        if (error is not null)
        {
            return "pre-prepare: " + error;
        }

        message = new PrePrepare(from, new View(wire.View), new SequenceNumber(wire.Sequence), digest, batch.MoveToImmutable()) { Signature = wire.Signature.Memory };
        return null;
    }

    public static string? TryDecode(PbftPrepare? wire, out Prepare? message)
    {
        message = null;
        if (wire is null)
        {
            return "prepare missing";
        }

        ReplicaIndex from = default;
        Digest digest = default;
        string? error = TryReplica(wire.From, out from) ?? TryDigest(wire.Digest, out digest);
        if (error is not null)
        {
            return "prepare: " + error;
        }

        message = new Prepare(from, new View(wire.View), new SequenceNumber(wire.Sequence), digest) { Signature = wire.Signature.Memory };
        return null;
    }

    public static string? TryDecode(PbftCommit? wire, out Commit? message)
    {
        message = null;
        if (wire is null)
        {
            return "commit missing";
        }

        ReplicaIndex from = default;
        Digest digest = default;
        string? error = TryReplica(wire.From, out from) ?? TryDigest(wire.Digest, out digest);
        if (error is not null)
        {
            return "commit: " + error;
        }

        message = new Commit(from, new View(wire.View), new SequenceNumber(wire.Sequence), digest) { Signature = wire.Signature.Memory };
        return null;
    }

    public static string? TryDecode(PbftCheckpoint? wire, out Checkpoint? message)
    {
        message = null;
        if (wire is null)
        {
            return "checkpoint missing";
        }

        ReplicaIndex from = default;
        Digest digest = default;
        string? error = TryReplica(wire.From, out from) ?? TryDigest(wire.StateDigest, out digest);
        if (error is not null)
        {
            return "checkpoint: " + error;
        }

        message = new Checkpoint(from, new SequenceNumber(wire.Sequence), digest) { Signature = wire.Signature.Memory };
        return null;
    }

    public static string? TryDecode(PbftPreparedCertificate? wire, out PreparedCertificate? certificate)
    {
        certificate = null;
        if (wire is null)
        {
            return "prepared certificate missing";
        }

        PrePrepare? prePrepare = default;
        ImmutableArray<Prepare> prepares = default;
        string? error = TryDecode(wire.PrePrepare, out prePrepare) ?? TryDecodeAll<PbftPrepare, Prepare>(wire.Prepares, TryDecode, out prepares);
        if (error is not null)
        {
            return "prepared certificate: " + error;
        }

        certificate = new PreparedCertificate(prePrepare!, prepares);
        return null;
    }

    public static string? TryDecode(PbftViewChange? wire, out ViewChange? message)
    {
        message = null;
        if (wire is null)
        {
            return "view change missing";
        }

        ReplicaIndex from = default;
        Digest stableDigest = default;
        ImmutableArray<Checkpoint> proof = default;
        ImmutableArray<PreparedCertificate> prepared = default;
        string? error = TryReplica(wire.From, out from)
            ?? TryDigest(wire.StableDigest, out stableDigest)
            ?? TryDecodeAll<PbftCheckpoint, Checkpoint>(wire.CheckpointProof, TryDecode, out proof)
            ?? TryDecodeAll<PbftPreparedCertificate, PreparedCertificate>(wire.Prepared, TryDecode, out prepared);
        if (error is not null)
        {
            return "view change: " + error;
        }

        message = new ViewChange(from, new View(wire.NewView), new SequenceNumber(wire.StableCheckpoint), stableDigest, proof, prepared) { Signature = wire.Signature.Memory };
        return null;
    }

    public static string? TryDecode(PbftNewView? wire, out NewView? message)
    {
        message = null;
        if (wire is null)
        {
            return "new view missing";
        }

        ReplicaIndex from = default;
        ImmutableArray<ViewChange> viewChanges = default;
        ImmutableArray<PrePrepare> prePrepares = default;
        string? error = TryReplica(wire.From, out from)
            ?? TryDecodeAll<PbftViewChange, ViewChange>(wire.ViewChanges, TryDecode, out viewChanges)
            ?? TryDecodeAll<PbftPrePrepare, PrePrepare>(wire.PrePrepares, TryDecode, out prePrepares);
        if (error is not null)
        {
            return "new view: " + error;
        }

        message = new NewView(from, new View(wire.View), viewChanges, prePrepares) { Signature = wire.Signature.Memory };
        return null;
    }

    public static string? TryDecode(PbftForwardedRequest? wire, out ForwardedRequest? message)
    {
        message = null;
        if (wire is null)
        {
            return "forwarded request missing";
        }

        ReplicaIndex from = default;
        ClientRequest? request = default;
        string? error = TryReplica(wire.From, out from) ?? TryDecode(wire.Request, out request);
        if (error is not null)
        {
            return "forwarded request: " + error;
        }

        message = new ForwardedRequest(from, request!) { Signature = wire.Signature.Memory };
        return null;
    }

    /// <summary>A SHA-256 digest is exactly 32 bytes; anything else cannot be one.</summary>
    public static string? TryDigest(ByteString bytes, out Digest digest)
    {
        digest = default;
        if (bytes.Length != 32)
        {
            return $"digest has {bytes.Length} bytes, not 32";
        }

        digest = Digest.FromBytes(bytes.Span);
        return null;
    }

    public delegate string? Decoder<in TWire, TCore>(TWire wire, out TCore? value);

    public static string? TryDecodeAll<TWire, TCore>(RepeatedField<TWire> wire, Decoder<TWire, TCore> decode, out ImmutableArray<TCore> values)
    {
        values = default;
        var builder = ImmutableArray.CreateBuilder<TCore>(wire.Count);
        foreach (TWire item in wire)
        {
            string? error = decode(item, out TCore? value);
            if (error is not null)
            {
                return error;
            }

            builder.Add(value!);
        }

        values = builder.MoveToImmutable();
        return null;
    }

    // Replica indexes are int32 in the core; the core itself checks the index against n.
    private static string? TryReplica(uint value, out ReplicaIndex replica)
    {
        replica = default;
        if (value > int.MaxValue)
        {
            return $"replica index {value} is out of range";
        }

        replica = new ReplicaIndex((int)value);
        return null;
    }
}
